using System.IO.Compression;
using ContainerTools.Runtime.Oci;

namespace ContainerTools.Runtime.Storage;

/// <summary>Layer blobs are plain, gzip or zstd tars; which one is told by the first bytes, never by a name or media type.</summary>
public static class LayerCompression
{
    public static string MediaTypeOf(string blobPath)
    {
        using var stream = new FileStream(blobPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Detect(stream) switch
        {
            Kind.Gzip => MediaTypes.OciLayerGzip,
            Kind.Zstd => MediaTypes.OciLayerZstd,
            _ => MediaTypes.OciLayer,
        };
    }

    public static bool IsCompressed(string blobPath)
    {
        using var stream = new FileStream(blobPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Detect(stream) != Kind.Plain;
    }

    /// <summary>A stream of the uncompressed tar; takes ownership of <paramref name="blob"/>, which must be seekable.</summary>
    public static Stream OpenUncompressed(Stream blob)
    {
        var kind = Detect(blob);
        return kind switch
        {
            Kind.Gzip => new GZipStream(blob, CompressionMode.Decompress),
            Kind.Zstd => new ZstdSharp.DecompressionStream(blob),
            _ => blob,
        };
    }

    /// <summary>The diff id (sha256 of the uncompressed tar) of a layer blob, without unpacking it.</summary>
    public static string DiffIdOf(string blobPath)
    {
        using var hashing = new HashingStream(OpenUncompressed(new FileStream(blobPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16)));
        hashing.Drain();
        return hashing.Digest;
    }

    private enum Kind
    {
        Plain,
        Gzip,
        Zstd,
    }

    private static Kind Detect(Stream seekable)
    {
        Span<byte> magic = stackalloc byte[4];
        var start = seekable.Position;
        var n = seekable.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        seekable.Position = start;
        if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        {
            return Kind.Gzip;
        }
        if (n >= 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
        {
            return Kind.Zstd;
        }
        return Kind.Plain;
    }
}
