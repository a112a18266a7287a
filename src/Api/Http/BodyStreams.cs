using System.Globalization;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Api.Http;

/// <summary>A request body of Content-Length bytes.</summary>
internal sealed class LengthBodyStream(HttpInput input, long length) : ReadOnlyBodyStream
{
    private long _left = length;

    public override int Read(Span<byte> buffer)
    {
        if (_left == 0) return 0;
        var n = input.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
        if (n == 0) throw new MalformedRequestException("the connection ended inside a request body");
        _left -= n;
        return n;
    }
}

/// <summary>A chunked request body (what docker sends for build contexts, archives and image loads).</summary>
internal sealed class ChunkedBodyStream(HttpInput input) : ReadOnlyBodyStream
{
    private long _chunkLeft;
    private bool _done;

    public override int Read(Span<byte> buffer)
    {
        if (_done || buffer.Length == 0) return 0;
        if (_chunkLeft == 0)
        {
            var sizeLine = input.ReadLine(1024) ?? throw new MalformedRequestException("the connection ended inside a chunked body");
            var semicolon = sizeLine.IndexOf(';');
            var hex = (semicolon < 0 ? sizeLine : sizeLine[..semicolon]).Trim();
            if (!long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _chunkLeft) || _chunkLeft < 0)
                throw new MalformedRequestException("bad chunk size");
            if (_chunkLeft == 0)
            {
                // Trailers, then the empty line.
                while (!string.IsNullOrEmpty(input.ReadLine(8192))) { }
                _done = true;
                return 0;
            }
        }
        var n = input.Read(buffer[..(int)Math.Min(buffer.Length, _chunkLeft)]);
        if (n == 0) throw new MalformedRequestException("the connection ended inside a chunked body");
        _chunkLeft -= n;
        if (_chunkLeft == 0 && input.ReadLine(16) is not "") throw new MalformedRequestException("chunk not followed by CRLF");
        return n;
    }
}

/// <summary>Base of the request body streams: the engine's read-only, forward-only stream, drained between requests.</summary>
internal abstract class ReadOnlyBodyStream : ReadOnlyForwardStream
{
    /// <summary>Reads what the handler left unread, so the next request on the connection starts at its head.</summary>
    public void Drain()
    {
        Span<byte> scratch = stackalloc byte[4096];
        while (Read(scratch) > 0) { }
    }
}

/// <summary>A response body in chunked transfer coding: each write goes out at once (streams: logs -f, events, progress).</summary>
internal sealed class ChunkedResponseStream(Stream output) : Stream
{
    private static readonly byte[] Crlf = "\r\n"u8.ToArray();
    private bool _ended;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => output.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length == 0) return;
        var head = System.Text.Encoding.ASCII.GetBytes(buffer.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n");
        var frame = new byte[head.Length + buffer.Length + 2];
        head.CopyTo(frame, 0);
        buffer.CopyTo(frame.AsSpan(head.Length));
        Crlf.CopyTo(frame, head.Length + buffer.Length);
        output.Write(frame);
        output.Flush();
    }

    /// <summary>The last chunk; the response is complete.</summary>
    public void End()
    {
        if (_ended) return;
        _ended = true;
        output.Write("0\r\n\r\n"u8);
        output.Flush();
    }
}
