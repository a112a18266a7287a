using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Runtime.Terminals;

/// <summary>
/// The container's end of an interactive session: an exec's pty master (<see cref="Containers.Exec.ExecTerminal"/>) or
/// a monitor's attach socket (<see cref="Containers.Attach.ContainerAttachment"/>). Reads block until output comes,
/// the output ends, or <see cref="Interrupt"/> is called from another thread.
/// </summary>
public abstract class InteractiveConnection : IDisposable
{
    // How long output may pause, once the process is gone, before a draining connection counts it as ended.
    private const int DrainQuietMilliseconds = 100;
    private readonly int _wakeRead;
    private readonly int _wakeWrite;
    private readonly int _drainRead;
    private readonly int _drainWrite;
    private readonly object _gate = new(); // a late Interrupt or drain must not write to a closed (or reused) fd
    private volatile bool _draining;
    private bool _disposed;

    protected InteractiveConnection()
    {
        (_wakeRead, _wakeWrite) = FileDescriptors.Pipe();
        (_drainRead, _drainWrite) = FileDescriptors.Pipe();
    }

    /// <summary>Whether there is a terminal on the container's side (then output is one stream, and resizing means something).</summary>
    public abstract bool IsTerminal { get; }

    /// <summary>The fd whose readability means output (or its end) is there.</summary>
    protected abstract int OutputFd { get; }

    /// <summary>Reads what the container wrote; 0 once its output ended or after <see cref="Interrupt"/>.</summary>
    public int Read(Span<byte> buffer, out bool standardError)
    {
        standardError = false;
        Span<bool> ready = stackalloc bool[3];
        while (true)
        {
            var quiet = _draining && !Polling.WaitReadable([OutputFd, _wakeRead, -1], ready, DrainQuietMilliseconds);
            if (quiet) return 0;
            if (!_draining) Polling.WaitReadable([OutputFd, _wakeRead, _drainRead], ready, -1);
            if (ready[1]) return 0;
            if (ready[0]) return ReadOutput(buffer, out standardError);
            // Woken to start draining: wait again, now with a time limit.
        }
    }

    /// <summary>
    /// The process behind the connection has exited: read what it left, then end, even if something it started in the
    /// background still holds the terminal (as docker exec ends with its process).
    /// </summary>
    public void EndAfterDrain()
    {
        _draining = true;
        lock (_gate)
        {
            if (_disposed) return;
            try { FileDescriptors.WriteAll(_drainWrite, [1]); }
            catch (SystemCallException) { }
        }
    }

    protected abstract int ReadOutput(Span<byte> buffer, out bool standardError);

    /// <summary>Sends bytes to the container's stdin (keys, on a terminal: Ctrl-C is 0x03, which its line discipline turns into SIGINT).</summary>
    public abstract void Write(ReadOnlySpan<byte> input);

    public abstract void Resize(TerminalSize size);

    /// <summary>End of file on the container's stdin (a pipe; a terminal gets Ctrl-D from its user instead).</summary>
    public abstract void CloseInput();

    /// <summary>Makes a blocked or later <see cref="Read"/> return 0 (detach, or a cancelled session). Safe from any thread.</summary>
    public void Interrupt()
    {
        lock (_gate)
        {
            if (_disposed) return;
            try { FileDescriptors.WriteAll(_wakeWrite, [1]); }
            catch (SystemCallException) { }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        Release();
        FileDescriptors.Close(_wakeRead);
        FileDescriptors.Close(_wakeWrite);
        FileDescriptors.Close(_drainRead);
        FileDescriptors.Close(_drainWrite);
        GC.SuppressFinalize(this);
    }

    protected abstract void Release();
}
