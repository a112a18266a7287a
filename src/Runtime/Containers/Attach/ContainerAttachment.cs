using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Terminals;
using ContainerTools.OciRuntime.Attach;

namespace ContainerTools.Runtime.Containers.Attach;

/// <summary>A connection to a running container's attach socket (see <see cref="AttachProtocol"/>); from ContainerStore.AttachTerminal.</summary>
public sealed class ContainerAttachment : InteractiveConnection
{
    private readonly byte[] _message = new byte[AttachProtocol.MaxPayload + 1];
    private int _socket;

    internal ContainerAttachment(string containerId, int socket, bool isTerminal)
    {
        ContainerId = containerId;
        _socket = socket;
        IsTerminal = isTerminal;
    }

    public string ContainerId { get; }

    /// <summary>The container's exit code once the monitor sent it (after the end of its output); null before, or when the connection ended without it.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>Tells the monitor this client settles the container's exit (see <see cref="AttachProtocol.ClaimExit"/>); closing the connection withdraws it.</summary>
    public void ClaimExit() => UnixSockets.Send(_socket, [AttachProtocol.ClaimExit]);

    public override bool IsTerminal { get; }

    protected override int OutputFd => _socket;

    protected override int ReadOutput(Span<byte> buffer, out bool standardError)
    {
        standardError = false;
        while (true)
        {
            var n = UnixSockets.Receive(_socket, _message);
            if (n == 0) return 0;
            if (_message[0] == AttachProtocol.Exit)
            {
                ExitCode = AttachProtocol.DecodeExit(_message.AsSpan(1, n - 1));
                return 0;
            }
            if (n == 1) continue;
            standardError = _message[0] == AttachProtocol.Stderr;
            // Callers read with a buffer of at least MaxPayload bytes; a smaller one gets the message cut short.
            var length = Math.Min(n - 1, buffer.Length);
            _message.AsSpan(1, length).CopyTo(buffer);
            return length;
        }
    }

    public override void Write(ReadOnlySpan<byte> input)
    {
        Span<byte> message = stackalloc byte[AttachProtocol.MaxPayload + 1];
        message[0] = AttachProtocol.Input;
        for (var offset = 0; offset < input.Length; offset += AttachProtocol.MaxPayload)
        {
            var chunk = input.Slice(offset, Math.Min(AttachProtocol.MaxPayload, input.Length - offset));
            chunk.CopyTo(message[1..]);
            if (!UnixSockets.Send(_socket, message[..(chunk.Length + 1)])) return;
        }
    }

    public override void Resize(TerminalSize size) => UnixSockets.Send(_socket, AttachProtocol.EncodeResize(size.Columns, size.Rows));

    public override void CloseInput() => UnixSockets.Send(_socket, [AttachProtocol.CloseInput]);

    protected override void Release()
    {
        FileDescriptors.Close(_socket);
        _socket = -1;
    }
}
