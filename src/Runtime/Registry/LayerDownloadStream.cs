using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Registry;

/// <summary>
/// A layer body from the registry as the store reads it: network failures while reading (a cut connection, a stall)
/// become RegistryConnectionFailed, progress is reported every <c>step</c> bytes, and reaching the end with the size the
/// manifest promised is reported once (the store still verifies the bytes). An end that comes early (a body closed under
/// a cancelled read) is not a completed download.
/// </summary>
internal sealed class LayerDownloadStream : ReadOnlyForwardStream
{
    private readonly Stream _inner;
    private readonly string _registry;
    private readonly long _step;
    private readonly long _expectedSize;
    private readonly Action<long> _progress;
    private readonly Action<long> _complete;
    private long _read;
    private long _nextReport;
    private bool _ended;

    public LayerDownloadStream(Stream inner, string registry, long expectedSize, long step, Action<long> progress, Action<long> complete)
    {
        _expectedSize = expectedSize;
        _inner = inner;
        _registry = registry;
        _step = step;
        _progress = progress;
        _complete = complete;
        _nextReport = step;
    }

    public override int Read(Span<byte> buffer)
    {
        int n;
        try
        {
            n = _inner.Read(buffer);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw RegistryErrors.ConnectionFailed(_registry, ex);
        }
        _read += n;
        if (n == 0 && buffer.Length > 0 && !_ended)
        {
            _ended = true;
            if (_read == _expectedSize)
            {
                _complete(_read);
            }
        }
        else if (_read >= _nextReport)
        {
            _nextReport = _read + _step;
            _progress(_read);
        }
        return n;
    }

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
