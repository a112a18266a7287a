using System.Buffers.Binary;

namespace ContainerTools.OciRuntime.Attach;

/// <summary>
/// The attach socket a monitor serves for a Tty or Interactive container: containers/ID/attach, AF_UNIX SOCK_SEQPACKET
/// (docs/terminals.md). Every message is one kind byte and its payload.
/// Client to monitor: <see cref="Input"/> + bytes for the container's stdin (the pty master, or the stdin pipe);
/// <see cref="Resize"/> + columns, rows (uint16 LE each); <see cref="CloseInput"/> closes the stdin pipe (end of file;
/// on a terminal the client sends Ctrl-D itself); <see cref="ClaimExit"/>: this client settles the exit (records it,
/// releases the network, removes an AutoRemove container) and closes the connection when done, so the monitor runs no
/// ctcleanup unless the client went away without doing it. Monitor to client: <see cref="Stdout"/> or
/// <see cref="Stderr"/> + bytes; once the container has exited and exit.json is written, <see cref="Exit"/> + the
/// exit code (int32 LE), then end of file. Every container's monitor serves one; a client that connects first receives
/// what the container wrote before anyone attached (the last 8 KiB), so Start-Container -Attach misses no prompt; an
/// attached run (ContainerStore.StartAttached) is connected before its program starts and misses nothing.
/// </summary>
public static class AttachProtocol
{
    public const string SocketName = "attach";
    public const byte Input = (byte)'i';
    public const byte Resize = (byte)'w';
    public const byte CloseInput = (byte)'c';
    public const byte Stdout = (byte)'o';
    public const byte Stderr = (byte)'e';
    public const byte ClaimExit = (byte)'k';
    public const byte Exit = (byte)'x';
    /// <summary>The largest payload either side sends in one message.</summary>
    public const int MaxPayload = 8192;

    public static byte[] EncodeResize(ushort columns, ushort rows)
    {
        var message = new byte[5];
        message[0] = Resize;
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(1), columns);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(3), rows);
        return message;
    }

    public static byte[] EncodeExit(int exitCode)
    {
        var message = new byte[5];
        message[0] = Exit;
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(1), exitCode);
        return message;
    }

    public static int? DecodeExit(ReadOnlySpan<byte> payload) => payload.Length < 4 ? null : BinaryPrimitives.ReadInt32LittleEndian(payload);

    public static (ushort Columns, ushort Rows)? DecodeResize(ReadOnlySpan<byte> payload) =>
        payload.Length < 4 ? null : (BinaryPrimitives.ReadUInt16LittleEndian(payload), BinaryPrimitives.ReadUInt16LittleEndian(payload[2..]));
}
