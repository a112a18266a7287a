using ContainerTools.Runtime.Containers.Launch;
using ContainerTools.Runtime.Linux;

namespace ContainerTools.Runtime.Terminals;

/// <summary>
/// The container's end of an interactive session: an exec's pty master (<see cref="Containers.Exec.ExecTerminal"/>) or
/// a monitor's attach socket (<see cref="Containers.Attach.ContainerAttachment"/>). Reads block until output comes,
/// the output ends, or <see cref="Interrupt"/> is called from another thread.
/// </summary>
public abstract class InteractiveConnection : IDisposable
{
    private readonly int _wakeRead;
    private readonly int _wakeWrite;
    private bool _disposed;

    protected InteractiveConnection()
    {
        (_wakeRead, _wakeWrite) = FileDescriptors.Pipe();
    }

    /// <summary>Whether there is a terminal on the container's side (then output is one stream, and resizing means something).</summary>
    public abstract bool IsTerminal { get; }

    /// <summary>The fd whose readability means output (or its end) is there.</summary>
    protected abstract int OutputFd { get; }

    /// <summary>Reads what the container wrote; 0 once its output ended or after <see cref="Interrupt"/>.</summary>
    public int Read(Span<byte> buffer, out bool standardError)
    {
        standardError = false;
        Span<bool> ready = stackalloc bool[2];
        Polling.WaitReadable([OutputFd, _wakeRead], ready, -1);
        if (ready[1]) return 0;
        return ReadOutput(buffer, out standardError);
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
        try { FileDescriptors.WriteAll(_wakeWrite, [1]); }
        catch (SystemCallException) { }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Release();
        FileDescriptors.Close(_wakeRead);
        FileDescriptors.Close(_wakeWrite);
        GC.SuppressFinalize(this);
    }

    protected abstract void Release();
}
