using System.Security.Cryptography;

namespace ContainerTools.Runtime.Layers;

/// <summary>
/// A forward-only view of the uncompressed tar that hashes every byte as it passes (the diff id, in one pass) and,
/// on request, keeps a copy of what the tar reader consumes while parsing headers (PAX records carry binary xattr
/// values that System.Formats.Tar only exposes as lossy UTF-8 strings).
/// </summary>
internal sealed class HashingReadStream : Stream
{
    private const int MaxCapture = 1 << 20;

    private readonly Stream _inner;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _capture = new byte[4096];
    private int _captured;
    private bool _capturing;

    public HashingReadStream(Stream inner) => _inner = inner;

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

    public string HexDigest() => Convert.ToHexString(_hash.GetHashAndReset()).ToLowerInvariant();

    public void DrainToEnd(byte[] buffer)
    {
        while (Read(buffer, 0, buffer.Length) > 0)
        {
        }
    }

    public override int Read(Span<byte> buffer)
    {
        var count = _inner.Read(buffer);
        if (count > 0)
        {
            var read = buffer[..count];
            _hash.AppendData(read);
            BytesRead += count;
            if (_capturing)
            {
                Capture(read);
            }
        }
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
