using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Terminals;

namespace ContainerTools.Runtime.Containers.Exec;

/// <summary>
/// The master of the pty an exec with <see cref="ExecOptions.Tty"/> runs on (made in the container's devpts by ctinit).
/// The caller owns it for the life of the exec; it reads end of output once no process holds the slave any more.
/// </summary>
public sealed class ExecTerminal : InteractiveConnection
{
    private const int EIO = 5;
    private int _master;

    internal ExecTerminal(int master) => _master = master;

    /// <summary>The master's fd, for callers that drive it themselves.</summary>
    public int MasterFd => _master;

    public override bool IsTerminal => true;

    protected override int OutputFd => _master;

    protected override int ReadOutput(Span<byte> buffer, out bool standardError)
    {
        standardError = false;
        try { return FileDescriptors.Read(_master, buffer); }
        catch (SystemCallException ex) when (ex.Errno == EIO) { return 0; }
    }

    public override void Write(ReadOnlySpan<byte> input)
    {
        try { FileDescriptors.WriteAll(_master, input); }
        catch (SystemCallException ex) when (ex.Errno == EIO) { }
    }

    public override void Resize(TerminalSize size) => PseudoTerminals.SetWindowSize(_master, size.Columns, size.Rows);

    public override void CloseInput() { }

    protected override void Release()
    {
        FileDescriptors.Close(_master);
        _master = -1;
    }
}
