using System.Text;
using System.Text.RegularExpressions;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Tests.Terminals;

/// <summary>
/// A real pty pair standing in for the user's terminal: an InteractiveSession gets the slave as its "host terminal"
/// (fds 0, 1 and 2), the test types into the master and reads the screen from it.
/// </summary>
public sealed class HostTerminal : IDisposable
{
    private readonly PseudoTerminal _pty;
    private readonly StringBuilder _screen = new();
    private readonly Thread _reader;

    public HostTerminal(ushort columns, ushort rows)
    {
        _pty = PseudoTerminals.Open(columns, rows);
        _reader = new Thread(ReadScreen) { IsBackground = true, Name = "test terminal screen" };
        _reader.Start();
    }

    /// <summary>The session's side: what fd 0 would be in a terminal.</summary>
    public int Slave => _pty.Slave;

    public string Screen
    {
        get { lock (_screen) return _screen.ToString(); }
    }

    public void Type(string keys) => FileDescriptors.WriteAll(_pty.Master, Encoding.UTF8.GetBytes(keys));

    public void Type(params byte[] keys) => FileDescriptors.WriteAll(_pty.Master, keys);

    /// <summary>The user resizes the window: the terminal's size changes (the test then raises SIGWINCH).</summary>
    public void Resize(ushort columns, ushort rows) => PseudoTerminals.SetWindowSize(_pty.Master, columns, rows);

    /// <summary>Waits until the screen, from <paramref name="from"/> on, matches; returns the match. Fails after 20 s with the screen.</summary>
    public Match WaitFor(string pattern, int from = 0)
    {
        var regex = new Regex(pattern);
        for (var deadline = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < deadline; Thread.Sleep(20))
        {
            var screen = Screen;
            var match = regex.Match(screen, Math.Min(from, screen.Length));
            if (match.Success) return match;
        }
        Assert.Fail($"'{pattern}' never appeared on the screen:\n{Screen}");
        return null!;
    }

    private void ReadScreen()
    {
        var buffer = new byte[4096];
        while (true)
        {
            int n;
            try { n = FileDescriptors.Read(_pty.Master, buffer); }
            catch (SystemCallException) { return; } // EIO: the slave side is closed
            if (n == 0) return;
            lock (_screen) _screen.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
    }

    public void Dispose()
    {
        FileDescriptors.Close(_pty.Slave);
        _reader.Join(TimeSpan.FromSeconds(5));
        FileDescriptors.Close(_pty.Master);
    }
}
