using System.Runtime.InteropServices;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Runtime.Terminals;

/// <summary>How an interactive session ended.</summary>
public enum SessionEnd
{
    /// <summary>The container's output ended (its process exited).</summary>
    OutputEnded,
    /// <summary>The user typed the detach keys; the container runs on.</summary>
    Detached,
    /// <summary>The caller cancelled.</summary>
    Cancelled,
}

/// <summary>
/// The host side of an interactive session (docker run -it, docker exec -it, docker attach): the host terminal in raw
/// mode (restored on every way out), its window size given to the container's pty at the start and on every SIGWINCH,
/// keystrokes copied to the container and its output to the host. In raw mode Ctrl-C is the byte 0x03; the container's
/// own line discipline turns it into SIGINT for its foreground process. See docs/terminals.md.
/// </summary>
public sealed class InteractiveSession
{
    private readonly InteractiveConnection _container;
    private readonly int _input;
    private readonly int _output;
    private readonly int _errorOutput;

    /// <param name="container">The container's end; the session does not dispose it.</param>
    /// <param name="input">The host's keyboard side (fd 0); raw mode and the window size are taken from it when it is a terminal.</param>
    /// <param name="output">Where the container's output goes (fd 1).</param>
    /// <param name="errorOutput">Where its stderr goes when it runs on pipes (fd 2).</param>
    public InteractiveSession(InteractiveConnection container, int input = 0, int output = 1, int errorOutput = 2)
    {
        _container = container;
        _input = input;
        _output = output;
        _errorOutput = errorOutput;
    }

    /// <summary>Copy the host's input to the container (false: output only, as for a container made without -Interactive).</summary>
    public bool ForwardInput { get; init; } = true;

    /// <summary>A key sequence that ends the session without sending it (docker's Ctrl-P Ctrl-Q is [0x10, 0x11]); null: none.</summary>
    public byte[]? DetachKeys { get; init; }

    /// <summary>docker's default detach keys, Ctrl-P Ctrl-Q.</summary>
    public static byte[] DockerDetachKeys => [0x10, 0x11];

    /// <summary>Whether the host's input is a terminal (an interactive terminal session needs one).</summary>
    public static bool IsTerminal(int fd) => TerminalModes.IsTerminal(fd);

    /// <summary>The host terminal's window size, or null when <paramref name="fd"/> is not a terminal.</summary>
    public static TerminalSize? WindowSize(int fd) =>
        PseudoTerminals.GetWindowSize(fd) is { } size && size.Columns > 0 && size.Rows > 0 ? new TerminalSize(size.Columns, size.Rows) : null;

    /// <summary>Gives the container's terminal the host terminal's current size (what SIGWINCH triggers).</summary>
    public void RefreshWindowSize()
    {
        if (!_container.IsTerminal || WindowSize(_input) is not { } size) return;
        try { _container.Resize(size); }
        catch (SystemCallException) { } // the container is going away
    }

    /// <summary>Runs until the container's output ends, the detach keys are typed, or <paramref name="cancellationToken"/> fires.</summary>
    public SessionEnd Run(CancellationToken cancellationToken = default)
    {
        var raw = ForwardInput && _container.IsTerminal && TerminalModes.IsTerminal(_input);
        var (stopRead, stopWrite) = FileDescriptors.Pipe();
        TerminalSettings? saved = null;
        Thread? keyboard = null;
        var detached = false;
        try
        {
            saved = raw ? TerminalModes.MakeRaw(_input) : null;
#pragma warning disable CA1416 // these signals exist on every platform this engine runs on (Linux)
            using var resize = _container.IsTerminal ? PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => RefreshWindowSize()) : null;
            // Killed rather than ended (kill, a closed ssh session): no finally runs, so give the terminal back first; the
            // signal's default action (the process ends) follows the handler.
            using var terminate = saved is null ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => RestoreQuietly(saved));
            using var hangUp = saved is null ? null : PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => RestoreQuietly(saved));
#pragma warning restore CA1416
            RefreshWindowSize();
            using var cancel = cancellationToken.Register(_container.Interrupt);
            if (ForwardInput)
            {
                keyboard = new Thread(() => { if (CopyInput(stopRead)) { detached = true; _container.Interrupt(); } })
                {
                    IsBackground = true,
                    Name = "ContainerTools session input",
                };
                keyboard.Start();
            }
            CopyOutput();
        }
        finally
        {
            // The input thread must be gone before the terminal is given back: a read it left pending would steal the next key.
            FileDescriptors.WriteAll(stopWrite, [1]);
            keyboard?.Join();
            FileDescriptors.Close(stopRead);
            FileDescriptors.Close(stopWrite);
            if (saved is not null) RestoreQuietly(saved);
        }
        return detached ? SessionEnd.Detached : cancellationToken.IsCancellationRequested ? SessionEnd.Cancelled : SessionEnd.OutputEnded;
    }

    private void RestoreQuietly(TerminalSettings saved)
    {
        try { TerminalModes.Restore(_input, saved); }
        catch (SystemCallException) { } // a hung-up terminal has nothing left to restore
    }

    private void CopyOutput()
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var n = _container.Read(buffer, out var standardError);
            if (n == 0) return;
            try { FileDescriptors.WriteAll(standardError ? _errorOutput : _output, buffer.AsSpan(0, n)); }
            catch (SystemCallException) { return; } // the host's side went away (EPIPE, EIO)
        }
    }

    /// <summary>Copies keystrokes until stopped, end of input (then the container's stdin is closed), or the detach keys (true).</summary>
    private bool CopyInput(int stop)
    {
        var buffer = new byte[4096];
        var keys = DetachKeys ?? [];
        var matched = 0; // how many detach keys were typed so far (held back, sent if the sequence breaks)
        var ready = new bool[2];
        try
        {
            while (true)
            {
                Polling.WaitReadable([_input, stop], ready, -1);
                if (ready[1]) return false;
                var n = FileDescriptors.Read(_input, buffer);
                if (n == 0)
                {
                    _container.CloseInput();
                    return false;
                }
                var send = new List<byte>(n + keys.Length);
                for (var i = 0; i < n; i++)
                {
                    var key = buffer[i];
                    if (keys.Length > 0 && key == keys[matched])
                    {
                        if (++matched == keys.Length) { Flush(send); return true; }
                        continue;
                    }
                    if (matched > 0) send.AddRange(keys.AsSpan(0, matched).ToArray());
                    matched = 0;
                    if (keys.Length > 0 && key == keys[0]) { matched = 1; continue; }
                    send.Add(key);
                }
                Flush(send);
            }
        }
        catch (SystemCallException)
        {
            return false; // the host's input or the container went away; the output side notices on its own
        }
    }

    private void Flush(List<byte> bytes)
    {
        if (bytes.Count > 0) _container.Write(CollectionsMarshal.AsSpan(bytes));
    }
}
