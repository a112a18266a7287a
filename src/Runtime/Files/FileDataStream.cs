using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Runtime.Files;

/// <summary>
/// A file's data as a tar entry carries it: exactly the length the header announced. A file that grows while it is
/// archived is cut there, one that shrinks is padded with zeros, so the archive stays well formed either way.
/// </summary>
internal sealed class FileDataStream : Stream
{
    private readonly int _fd;
    private readonly long _length;
    private readonly string _pathForErrors;
    private readonly Action? _beforeFirstRead;
    private long _position;
    private bool _ended;
    private bool _started;

    /// <param name="beforeFirstRead">Runs when the reader first asks for data, i.e. once the headers are out.</param>
    public FileDataStream(int fd, long length, string pathForErrors, Action? beforeFirstRead)
    {
        _fd = fd;
        _length = length;
        _pathForErrors = pathForErrors;
        _beforeFirstRead = beforeFirstRead;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (!_started)
        {
            _started = true;
            _beforeFirstRead?.Invoke();
        }
        var want = (int)Math.Min(buffer.Length, _length - _position);
        if (want <= 0)
        {
            return 0;
        }
        var n = _ended ? 0 : FileDescriptors.Read(_fd, buffer[..want], _pathForErrors);
        if (n == 0)
        {
            _ended = true;
            buffer[..want].Clear();
            n = want;
        }
        _position += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => true; // so TarWriter takes Length for the header instead of buffering the data
    public override bool CanWrite => false;
    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set
        {
            if (value != _position)
            {
                throw new NotSupportedException();
            }
        }
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => _position + offset, _ => _length + offset };
        if (target != _position)
        {
            throw new NotSupportedException();
        }
        return _position;
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
