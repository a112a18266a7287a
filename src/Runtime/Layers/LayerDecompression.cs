using System.IO.Compression;
using ContainerTools.Runtime.Storage;
using ZstdSharp;

namespace ContainerTools.Runtime.Layers;

/// <summary>Recognises a layer's compression by its magic bytes and yields the plain tar stream.</summary>
internal sealed class LayerDecompression : IDisposable
{
    private readonly TailTrackingStream? _gzipSource;
    private readonly Stream _tar;

    private LayerDecompression(Stream tar, TailTrackingStream? gzipSource)
    {
        _tar = tar;
        _gzipSource = gzipSource;
    }

    public Stream Tar => _tar;

    public string Format { get; private init; } = "tar";

    public static LayerDecompression Open(Stream layer)
    {
        var magic = new byte[4];
        var have = 0;
        while (have < magic.Length)
        {
            var n = layer.Read(magic, have, magic.Length - have);
            if (n == 0) { break; }
            have += n;
        }
        var source = new PrefixedStream(magic.AsMemory(0, have), layer);
        if (have >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        {
            var tracked = new TailTrackingStream(source);
            return new LayerDecompression(new GZipStream(tracked, CompressionMode.Decompress, leaveOpen: true), tracked) { Format = "gzip" };
        }
        if (have == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
        {
            // checkEndOfStream makes a truncated frame an error instead of a quiet end of data.
            return new LayerDecompression(new DecompressionStream(source, checkEndOfStream: true, leaveOpen: true), null) { Format = "zstd" };
        }
        return new LayerDecompression(source, null);
    }

    /// <summary>
    /// .NET's GZipStream ends quietly on a truncated input, so once the tar is read to its end the gzip trailer is
    /// checked by hand: its ISIZE must equal the bytes we decompressed (mod 2^32). A cut anywhere leaves other bytes
    /// there. Assumes a single gzip member, which is what every image builder writes.
    /// </summary>
    public void VerifyComplete(long uncompressedLength)
    {
        if (_gzipSource is null)
        {
            return;
        }
        _gzipSource.DrainToEnd();
        if (_gzipSource.TotalRead < 18 || _gzipSource.LastFourAsUInt32LittleEndian() != (uint)uncompressedLength)
        {
            throw new InvalidDataException("gzip stream is truncated or its trailer does not match the data");
        }
    }

    public void Dispose() => _tar.Dispose();

    /// <summary>Bytes already consumed for magic detection, then the rest of the caller's stream (never seeks it).</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : ReadOnlyForwardStream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.Length > 0)
            {
                var n = Math.Min(buffer.Length, _prefix.Length);
                _prefix.Span[..n].CopyTo(buffer);
                _prefix = _prefix[n..];
                return n;
            }
            return inner.Read(buffer);
        }
    }

    /// <summary>Remembers the last four bytes read and the total, for the gzip trailer check.</summary>
    private sealed class TailTrackingStream(Stream inner) : ReadOnlyForwardStream
    {
        private readonly byte[] _tail = new byte[4];

        public long TotalRead { get; private set; }

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            if (n > 0)
            {
                var read = buffer[..n];
                if (n >= 4)
                {
                    read[^4..].CopyTo(_tail);
                }
                else
                {
                    _tail.AsSpan(n).CopyTo(_tail);
                    read.CopyTo(_tail.AsSpan(4 - n));
                }
                TotalRead += n;
            }
            return n;
        }

        public void DrainToEnd()
        {
            var buffer = new byte[4096];
            while (Read(buffer) > 0)
            {
            }
        }

        public uint LastFourAsUInt32LittleEndian() => BitConverter.ToUInt32(_tail) is var v && BitConverter.IsLittleEndian
            ? v
            : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v);
    }
}
