using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ContainerTools.Tests.Module;

/// <summary>
/// A user at a terminal: a private tmux server (its socket in the test's directory) with one session, "main", whose
/// pane runs a command; the test types with `tmux send-keys` and reads the screen with `tmux capture-pane`.
/// Disposing kills the server and with it the pane's processes. Each server has its own socket name: a server killed a
/// moment ago may still hold its socket, and a new client connecting to it would see "server exited unexpectedly".
/// </summary>
public sealed class TmuxServer(string directory) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _socket = Path.Combine(directory, $"tmux-{Guid.NewGuid():N}"[..13] + ".sock");

    public void Dispose() => Run("kill-server");

    /// <summary>Starts the session; tmux runs <paramref name="shellCommand"/> with sh -c in a pane of the given size.</summary>
    public void Start(int columns, int rows, string shellCommand) =>
        Run("new-session", "-d", "-s", "main", "-x", columns.ToString(), "-y", rows.ToString(), shellCommand);

    public string PaneTty => Run("display-message", "-p", "-t", "main", "#{pane_tty}").Trim();

    /// <summary>The pid of the pane's sh -c.</summary>
    public int PaneShell => int.Parse(Run("display-message", "-p", "-t", "main", "#{pane_pid}").Trim());

    public void Type(string line) => Run("send-keys", "-t", "main", line, "Enter");

    public void SendKeys(params string[] keys) => Run(["send-keys", "-t", "main", .. keys]);

    public void Resize(int columns, int rows) => Run("resize-window", "-t", "main", "-x", columns.ToString(), "-y", rows.ToString());

    /// <summary>The visible screen.</summary>
    public string Screen() => Run("capture-pane", "-p", "-t", "main");

    /// <summary>Everything the pane printed since it started (its scrollback and screen), wrapped lines joined.</summary>
    public string History() => Run("capture-pane", "-p", "-J", "-S", "-", "-t", "main");

    public void WaitForScreen(string pattern) => WaitFor(pattern, Screen, Patience);

    public void WaitForHistory(string pattern, TimeSpan patience) => WaitFor(pattern, History, patience);

    /// <summary>Types the line again each second until the screen matches (for what arrives asynchronously).</summary>
    public void TypeUntil(string line, string pattern)
    {
        var regex = new Regex(pattern);
        for (var deadline = DateTime.UtcNow + Patience; DateTime.UtcNow < deadline;)
        {
            Type(line);
            for (var wait = DateTime.UtcNow.AddSeconds(1); DateTime.UtcNow < wait; Thread.Sleep(50))
            {
                if (regex.IsMatch(Screen())) return;
            }
        }
        Assert.Fail($"'{pattern}' never appeared in the pane:\n{Screen()}");
    }

    private static void WaitFor(string pattern, Func<string> read, TimeSpan patience)
    {
        var regex = new Regex(pattern);
        var text = "";
        for (var deadline = DateTime.UtcNow + patience; DateTime.UtcNow < deadline; Thread.Sleep(50))
        {
            text = read().TrimEnd('\n');
            if (regex.IsMatch(text)) return;
        }
        Assert.Fail($"'{pattern}' never appeared in the pane:\n{text}");
    }

    private string Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-S");
        start.ArgumentList.Add(_socket);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && arguments[0] != "kill-server") Assert.Fail($"tmux {string.Join(' ', arguments)}: {error.Result}");
        return output;
    }
}
