using ContainerTools.Runtime.Containers;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.Tests.Lifecycle;

namespace ContainerTools.Tests.Module;

/// <summary>
/// End to end, as a user at a terminal: tmux runs out/pwsh/pwsh (./build.sh) in a pane, the script calls
/// Enter-Container on a running busybox container, and the test types with `tmux send-keys` and reads the screen with
/// `tmux capture-pane`. Each test has its own tmux server (a socket in its temp dir), killed at the end.
/// </summary>
public sealed class EnterContainerTmuxTests : IDisposable
{
    private readonly ContainerHost _host = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("ct-tmux-").FullName;
    private readonly TmuxServer _tmux;

    public EnterContainerTmuxTests() => _tmux = new TmuxServer(_directory);

    public void Dispose()
    {
        try { _tmux.Dispose(); }
        finally
        {
            Directory.Delete(_directory, recursive: true);
            _host.Dispose();
        }
    }

    /// <summary>The pane's command: pwsh runs the script as `pwsh -NoProfile -File` does from a user's shell.</summary>
    private static string RunScript(string script) => $"'{BuiltModule.Pwsh}' -NoProfile -File '{script}'";

    [Fact]
    public void EnterContainerGivesAShellOnTheTerminalAndExitReturnsToTheHost()
    {
        var container = _host.Run(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "300"], Hostname = "tmux-box", Name = "web" });
        var script = Path.Combine(_directory, "enter.ps1");
        File.WriteAllText(script, $"""
            $env:CONTAINERTOOLS_ROOT = '{_host.RootPath}'
            Import-Module '{BuiltModule.Folder}'
            Write-Host 'entering'
            Enter-Container web
            Write-Host "back-on-host exit=$LASTEXITCODE"
            [System.Threading.Thread]::Sleep(120000)
            """);
        _tmux.Start(100, 30, RunScript(script));
        var paneTty = _tmux.PaneTty;

        _tmux.WaitForScreen(@"(?m)^/ #\s*$");
        Assert.True(PaneSettings(paneTty).IsRaw, "the terminal is not in raw mode during the session");

        _tmux.Type("echo $((6*7)); hostname; tty; stty size");
        _tmux.WaitForScreen(@"(?m)^42\s*\n^tmux-box\s*\n^/dev/pts/\d+\s*\n^30 100\s*$");

        // tmux resizes the pane: SIGWINCH to pwsh, which passes the size on to the container's pty.
        _tmux.Resize(120, 40);
        // The signal is handled asynchronously: ask again until the new size has arrived.
        _tmux.TypeUntil("clear; stty size", @"(?m)^40 120\s*$");

        // Ctrl-C reaches the container's foreground sleep, not pwsh.
        _tmux.Type("clear; sleep 100");
        WaitUntil(() => _host.Store.Processes(container.Id).Any(p => p.CommandLine.SequenceEqual(["sleep", "100"])));
        _tmux.SendKeys("C-c");
        _tmux.Type("echo rc=$?");
        _tmux.WaitForScreen(@"(?m)^rc=130\s*$");

        _tmux.Type("exit 7");
        _tmux.WaitForScreen(@"(?m)^back-on-host exit=7\s*$");
        Assert.False(PaneSettings(paneTty).IsRaw, "the terminal was left in raw mode");
        Assert.DoesNotContain(_host.Store.Processes(container.Id), p => p.CommandLine[0] == "/bin/sh");
    }

    [Fact]
    public void AtAnInteractivePwshPromptEnterContainerGivesAShellAndThePromptComesBackWithTheExitCode()
    {
        _host.Run(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "300"], Hostname = "prompt-box", Name = "web" });
        // pwsh's own console input (no PSReadLine in this build) reads the lines the test types.
        _tmux.Start(100, 30, $"env CONTAINERTOOLS_ROOT='{_host.RootPath}' '{BuiltModule.Pwsh}' -NoProfile");
        _tmux.WaitForScreen(@"(?m)^PS [^\n]*>\s*$");

        _tmux.Type($"Import-Module '{BuiltModule.Folder}'; Enter-Container web");
        _tmux.WaitForScreen(@"(?m)^/ #\s*$");
        _tmux.Type("hostname; exit 3");
        _tmux.WaitForScreen(@"(?m)^prompt-box\s*$");

        // Back at pwsh's prompt, which reads and echoes the next line as before the session.
        _tmux.TypeUntil("\"exit=$LASTEXITCODE\"", @"(?m)^exit=3\s*$");
    }

    [Fact]
    public void InvokeContainerImageInteractiveTtyDetachesWithCtrlPCtrlQAndStartContainerAttachesAgain()
    {
        var script = Path.Combine(_directory, "run-it.ps1");
        File.WriteAllText(script, $"""
            $env:CONTAINERTOOLS_ROOT = '{_host.RootPath}'
            Import-Module '{BuiltModule.Folder}'
            Invoke-ContainerImage busybox -Name it -Hostname it-box -Interactive -Tty -Command sh
            Write-Host "detached status=$((Get-Container it).Status)"
            Start-Container it -Attach
            Write-Host "back exit=$LASTEXITCODE status=$((Get-Container it).Status)"
            [System.Threading.Thread]::Sleep(120000)
            """);
        _tmux.Start(100, 30, RunScript(script));

        // The shell's first prompt was written before the attach: the monitor kept it for the first client.
        _tmux.WaitForScreen(@"(?m)^/ #\s*$");
        _tmux.Type("hostname; tty; stty size");
        _tmux.WaitForScreen(@"(?m)^it-box\s*\n^/dev/pts/0\s*\n^30 100\s*$");

        _tmux.SendKeys("C-p", "C-q");
        _tmux.WaitForScreen(@"(?m)^detached status=Running\s*$");

        _tmux.Type("echo again-$((3*3)); exit 2");
        _tmux.WaitForScreen(@"(?m)^again-9\s*$");
        _tmux.WaitForScreen(@"(?m)^back exit=2 status=Exited\s*$");
    }

    [Fact]
    public void APowerShellKilledDuringASessionGivesTheTerminalBackAndItsShellEnds()
    {
        var container = _host.Run(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "300"], Name = "web" });
        var script = Path.Combine(_directory, "killed.ps1");
        File.WriteAllText(script, $"""
            $env:CONTAINERTOOLS_ROOT = '{_host.RootPath}'
            Import-Module '{BuiltModule.Folder}'
            Enter-Container web
            """);
        // After pwsh, the pane's shell records the terminal's settings as it finds them.
        var settings = Path.Combine(_directory, "stty.txt");
        _tmux.Start(100, 30, $"{RunScript(script)}; stty -a > '{settings}'; sleep 120");
        var paneTty = _tmux.PaneTty;
        var paneShell = _tmux.PaneShell;
        _tmux.WaitForScreen(@"(?m)^/ #\s*$");
        Assert.True(PaneSettings(paneTty).IsRaw);
        var pwsh = int.Parse(File.ReadAllText($"/proc/{paneShell}/task/{paneShell}/children").Trim());

        Signals.Send(pwsh, Signals.SigTerm);

        WaitUntil(() => File.Exists(settings) && File.ReadAllText(settings).Contains("icanon"));
        var flags = File.ReadAllText(settings).Split([' ', '\n', ';'], StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("icanon", flags);
        Assert.Contains("echo", flags);
        Assert.Contains("isig", flags);
        Assert.False(PaneSettings(paneTty).IsRaw, "a killed session left the terminal in raw mode");
        // Its end of the container's pty closed with it: the kernel hung the shell up.
        WaitUntil(() => !_host.Store.Processes(container.Id).Any(p => p.CommandLine[0] == "/bin/sh"));
    }

    private static void WaitUntil(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; Thread.Sleep(20))
        {
            if (condition()) return;
        }
        Assert.Fail("the condition never held");
    }

    private static TerminalSettings PaneSettings(string paneTty)
    {
        var fd = FileDescriptors.Open(paneTty, 2 | 0x100 /* O_RDWR | O_NOCTTY */);
        try { return TerminalModes.Get(fd); }
        finally { FileDescriptors.Close(fd); }
    }
}
