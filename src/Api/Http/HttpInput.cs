using System.Text;

namespace ContainerTools.Api.Http;

/// <summary>
/// The connection's incoming bytes, buffered: request heads are read line by line, bodies and (after a hijack) the
/// client's stdin from the same buffer, so nothing the client sent ahead is lost.
/// </summary>
internal sealed class HttpInput
{
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    public HttpInput(Stream stream) => _stream = stream;

    private bool Fill()
    {
        if (_start < _end) return true;
        _start = 0;
        _end = _stream.Read(_buffer, 0, _buffer.Length);
        return _end > 0;
    }

    /// <summary>One line without its CR LF; null at the end of the stream; throws when longer than <paramref name="limit"/>.</summary>
    public string? ReadLine(int limit)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (!Fill()) return line.Length == 0 ? null : throw new MalformedRequestException("the connection ended inside a request head");
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            var stop = newline < 0 ? _end : newline;
            line.Append(Encoding.Latin1.GetString(_buffer, _start, stop - _start));
            _start = newline < 0 ? _end : newline + 1;
            if (line.Length > limit) throw new MalformedRequestException("request head too large", 431);
            if (newline >= 0)
            {
                if (line.Length > 0 && line[^1] == '\r') line.Length--;
                return line.ToString();
            }
        }
    }

    public int Read(Span<byte> destination)
    {
        if (destination.Length == 0) return 0;
        if (!Fill()) return 0;
        var n = Math.Min(destination.Length, _end - _start);
        _buffer.AsSpan(_start, n).CopyTo(destination);
        _start += n;
        return n;
    }
}

/// <summary>A request that is not HTTP/1.1 as the server reads it; the connection answers with <see cref="Status"/> and closes.</summary>
internal sealed class MalformedRequestException(string message, int status = 400) : Exception(message)
{
    public int Status { get; } = status;
}
