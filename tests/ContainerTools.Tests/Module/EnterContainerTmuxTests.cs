using System.Diagnostics;
using System.Text.RegularExpressions;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Linux;
using ContainerTools.Tests.Lifecycle;

namespace ContainerTools.Tests.Module;

/// <summary>
/// End to end, as a user at a terminal: tmux runs out/host/ctpwsh (./build.sh) in a pane, the script calls
/// Enter-Container on a running busybox container, and the test types with `tmux send-keys` and reads the screen with
/// `tmux capture-pane`. Each test has its own tmux server (a socket in its temp dir), killed at the end.
/// </summary>
public sealed class EnterContainerTmuxTests : IDisposable
{
    private readonly ContainerHost _host = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("ct-tmux-").FullName;
    private string Socket => Path.Combine(_directory, "tmux.sock");

    public void Dispose()
    {
        try { Tmux("kill-server"); }
        finally
        {
            Directory.Delete(_directory, recursive: true);
            _host.Dispose();
        }
    }

    private static string Ctpwsh
    {
        get
        {
            var path = Path.Combine(BuiltModule.RepositoryRoot, "out", "host", "ctpwsh");
            Assert.True(File.Exists(path), $"{path} is missing: run ./build.sh first.");
            return path;
        }
    }

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
        Tmux("new-session", "-d", "-s", "main", "-x", "100", "-y", "30", $"'{Ctpwsh}' '{script}'");
        var paneTty = Tmux("display-message", "-p", "-t", "main", "#{pane_tty}").Trim();

        WaitForScreen(@"(?m)^/ #\s*$");
        Assert.True(PaneSettings(paneTty).IsRaw, "the terminal is not in raw mode during the session");

        Type("echo $((6*7)); hostname; tty; stty size");
        WaitForScreen(@"(?m)^42\s*\n^tmux-box\s*\n^/dev/pts/\d+\s*\n^30 100\s*$");

        // tmux resizes the pane: SIGWINCH to ctpwsh, which passes the size on to the container's pty.
        Tmux("resize-window", "-t", "main", "-x", "120", "-y", "40");
        // The signal is handled asynchronously: ask again until the new size has arrived.
        TypeUntil("clear; stty size", @"(?m)^40 120\s*$");

        // Ctrl-C reaches the container's foreground sleep, not ctpwsh.
        Type("clear; sleep 100");
        WaitUntil(() => _host.Store.Processes(container.Id).Any(p => p.CommandLine.SequenceEqual(["sleep", "100"])));
        Tmux("send-keys", "-t", "main", "C-c");
        Type("echo rc=$?");
        WaitForScreen(@"(?m)^rc=130\s*$");

        Type("exit 7");
        WaitForScreen(@"(?m)^back-on-host exit=7\s*$");
        Assert.False(PaneSettings(paneTty).IsRaw, "the terminal was left in raw mode");
        Assert.DoesNotContain(_host.Store.Processes(container.Id), p => p.CommandLine[0] == "/bin/sh");
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
        Tmux("new-session", "-d", "-s", "main", "-x", "100", "-y", "30", $"'{Ctpwsh}' '{script}'");

        // The shell's first prompt was written before the attach: the monitor kept it for the first client.
        WaitForScreen(@"(?m)^/ #\s*$");
        Type("hostname; tty; stty size");
        WaitForScreen(@"(?m)^it-box\s*\n^/dev/pts/0\s*\n^30 100\s*$");

        Tmux("send-keys", "-t", "main", "C-p", "C-q");
        WaitForScreen(@"(?m)^detached status=Running\s*$");

        Type("echo again-$((3*3)); exit 2");
        WaitForScreen(@"(?m)^again-9\s*$");
        WaitForScreen(@"(?m)^back exit=2 status=Exited\s*$");
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
        // After ctpwsh, the pane's shell records the terminal's settings as it finds them.
        var settings = Path.Combine(_directory, "stty.txt");
        Tmux("new-session", "-d", "-s", "main", "-x", "100", "-y", "30", $"'{Ctpwsh}' '{script}'; stty -a > '{settings}'; sleep 120");
        var paneTty = Tmux("display-message", "-p", "-t", "main", "#{pane_tty}").Trim();
        var paneShell = Tmux("display-message", "-p", "-t", "main", "#{pane_pid}").Trim();
        WaitForScreen(@"(?m)^/ #\s*$");
        Assert.True(PaneSettings(paneTty).IsRaw);
        var ctpwsh = int.Parse(File.ReadAllText($"/proc/{paneShell}/task/{paneShell}/children").Trim());

        Signals.Send(ctpwsh, Signals.SigTerm);

        WaitUntil(() => File.Exists(settings) && File.ReadAllText(settings).Contains("icanon"));
        var flags = File.ReadAllText(settings).Split([' ', '\n', ';'], StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("icanon", flags);
        Assert.Contains("echo", flags);
        Assert.Contains("isig", flags);
        Assert.False(PaneSettings(paneTty).IsRaw, "a killed session left the terminal in raw mode");
        // Its end of the container's pty closed with it: the kernel hung the shell up.
        WaitUntil(() => !_host.Store.Processes(container.Id).Any(p => p.CommandLine[0] == "/bin/sh"));
    }

    private void Type(string line) => Tmux("send-keys", "-t", "main", line, "Enter");

    private void TypeUntil(string line, string pattern)
    {
        var regex = new Regex(pattern);
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline;)
        {
            Type(line);
            for (var wait = DateTime.UtcNow.AddSeconds(1); DateTime.UtcNow < wait; Thread.Sleep(50))
            {
                if (regex.IsMatch(Screen())) return;
            }
        }
        Assert.Fail($"'{pattern}' never appeared in the pane:\n{Screen()}");
    }

    private string Screen() => Tmux("capture-pane", "-p", "-t", "main");

    private void WaitForScreen(string pattern)
    {
        var regex = new Regex(pattern);
        var screen = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; Thread.Sleep(50))
        {
            screen = Screen().TrimEnd('\n');
            if (regex.IsMatch(screen)) return;
        }
        Assert.Fail($"'{pattern}' never appeared in the pane:\n{screen}");
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

    private string Tmux(params string[] arguments)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-S");
        start.ArgumentList.Add(Socket);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && arguments[0] != "kill-server") Assert.Fail($"tmux {string.Join(' ', arguments)}: {error.Result}");
        return output;
    }
}
