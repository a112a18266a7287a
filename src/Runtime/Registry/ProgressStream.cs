namespace ContainerTools.Runtime.Registry;

/// <summary>A read-only pass-through that reports the bytes read so far every <c>step</c> bytes.</summary>
internal sealed class ProgressStream : Stream
{
    private readonly Stream _inner;
    private readonly long _step;
    private readonly Action<long> _report;
    private long _read;
    private long _nextReport;

    public ProgressStream(Stream inner, long step, Action<long> report)
    {
        _inner = inner;
        _step = step;
        _report = report;
        _nextReport = step;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = _inner.Read(buffer);
        _read += n;
        if (_read >= _nextReport)
        {
            _nextReport = _read + _step;
            _report(_read);
        }
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
