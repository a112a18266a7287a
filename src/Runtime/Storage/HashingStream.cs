using System.Security.Cryptography;
using ContainerTools.Runtime.Oci;

namespace ContainerTools.Runtime.Storage;

/// <summary>
/// A read-only pass-through that hashes (sha256) and counts every byte read from the inner stream,
/// so content is verified in the same pass that stores or unpacks it.
/// </summary>
public class HashingStream : ReadOnlyForwardStream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly bool _leaveOpen;

    public HashingStream(Stream inner, bool leaveOpen = false)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
    }

    public long BytesRead { get; private set; }

    /// <summary>The digest of everything read so far.</summary>
    public string Digest => Oci.Digest.FromHash(_hash.GetCurrentHash());

    /// <summary>Reads the rest of the inner stream so the digest covers the whole content.</summary>
    public void Drain() => Drain(new byte[81920]);

    /// <summary>As <see cref="Drain()"/>, through a buffer the caller already has.</summary>
    public void Drain(byte[] buffer)
    {
        while (Read(buffer, 0, buffer.Length) > 0)
        {
        }
    }

    public override int Read(Span<byte> buffer)
    {
        var n = _inner.Read(buffer);
        if (n > 0)
        {
            var read = buffer[..n];
            _hash.AppendData(read);
            BytesRead += n;
            OnRead(read);
        }
        return n;
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    /// <summary>Sees each chunk once it is hashed and counted (no copy is made for it).</summary>
    protected virtual void OnRead(ReadOnlySpan<byte> read)
    {
    }

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            if (!_leaveOpen)
            {
                _inner.Dispose();
            }
        }
        base.Dispose(disposing);
    }
}
