using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Layers;

/// <summary>
/// The uncompressed tar as the tar reader consumes it: counts the bytes (header blocks are found by position) and, on
/// request, keeps a copy of what the reader consumes while parsing headers (PAX records carry binary xattr values that
/// System.Formats.Tar only exposes as lossy UTF-8 strings).
/// </summary>
internal sealed class CapturingStream(Stream inner) : ReadOnlyForwardStream
{
    private const int MaxCapture = 1 << 20;

    private byte[] _capture = new byte[4096];
    private int _captured;
    private bool _capturing;

    public long BytesRead { get; private set; }

    public long CaptureStartPosition { get; private set; }

    public bool CaptureOverflowed { get; private set; }

    public ReadOnlySpan<byte> Captured => _capture.AsSpan(0, _captured);

    public void StartCapture()
    {
        _capturing = true;
        _captured = 0;
        CaptureOverflowed = false;
        CaptureStartPosition = BytesRead;
    }

    public void StopCapture() => _capturing = false;

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        if (n > 0)
        {
            BytesRead += n;
            if (_capturing)
            {
                Capture(buffer[..n]);
            }
        }
        return n;
    }

    /// <summary>Reads the rest, so that everything after the tar's end-of-archive marker is hashed too.</summary>
    public void Drain(byte[] buffer)
    {
        while (Read(buffer) > 0)
        {
        }
    }

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    private void Capture(ReadOnlySpan<byte> read)
    {
        if (_captured + read.Length > MaxCapture)
        {
            CaptureOverflowed = true;
            _capturing = false;
            return;
        }
        if (_captured + read.Length > _capture.Length)
        {
            Array.Resize(ref _capture, Math.Max(_capture.Length * 2, _captured + read.Length));
        }
        read.CopyTo(_capture.AsSpan(_captured));
        _captured += read.Length;
    }
}
