using System.Buffers.Binary;

namespace ContainerTools.Api.Streams;

/// <summary>
/// Docker's multiplexed stream for containers without a terminal: each frame is an 8-byte header (stream 0 stdin,
/// 1 stdout, 2 stderr; three zero bytes; big-endian payload length) and the payload. With a terminal the stream is raw.
/// </summary>
internal static class StdStream
{
    public const byte Stdout = 1;
    public const byte Stderr = 2;

    public static byte[] Frame(byte stream, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[8 + payload.Length];
        frame[0] = stream;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(8));
        return frame;
    }

    /// <summary>The bytes to send for <paramref name="payload"/>: framed without a terminal, as is with one.</summary>
    public static byte[] Encode(bool tty, bool standardError, ReadOnlySpan<byte> payload) =>
        tty ? payload.ToArray() : Frame(standardError ? Stderr : Stdout, payload);
}
