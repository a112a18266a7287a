using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Layers;

/// <summary>
/// The uncompressed tar as a hashing stream (the diff id, in one pass) that, on request, also keeps a copy of what
/// the tar reader consumes while parsing headers (PAX records carry binary xattr values that System.Formats.Tar only
/// exposes as lossy UTF-8 strings).
/// </summary>
internal sealed class CapturingHashingStream(Stream inner) : HashingStream(inner)
{
    private const int MaxCapture = 1 << 20;

    private byte[] _capture = new byte[4096];
    private int _captured;
    private bool _capturing;

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

    protected override void OnRead(ReadOnlySpan<byte> read)
    {
        if (_capturing)
        {
            Capture(read);
        }
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
