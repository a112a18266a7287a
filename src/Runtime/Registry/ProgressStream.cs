using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Registry;

/// <summary>A read-only pass-through that reports the bytes read so far every <c>step</c> bytes.</summary>
internal sealed class ProgressStream : ReadOnlyForwardStream
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

    public override long Position { get => _read; set => throw new NotSupportedException(); }
}
