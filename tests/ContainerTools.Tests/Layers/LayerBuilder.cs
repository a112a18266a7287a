using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace ContainerTools.Tests.Layers;

/// <summary>Builds layer tarballs in memory, hostile ones included (TarWriter does not police names).</summary>
internal sealed class LayerBuilder
{
    public static readonly DateTimeOffset DefaultTime = new(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly MemoryStream _tar = new();
    private readonly TarWriter _writer;

    public LayerBuilder() => _writer = new TarWriter(_tar, TarEntryFormat.Pax, leaveOpen: true);

    public LayerBuilder Directory(string name, UnixFileMode mode = (UnixFileMode)0b111_101_101, int uid = 0, int gid = 0,
        DateTimeOffset? mtime = null, Dictionary<string, string>? pax = null) =>
        Add(new PaxTarEntry(TarEntryType.Directory, name, pax ?? new()) { Mode = mode, Uid = uid, Gid = gid, ModificationTime = mtime ?? DefaultTime });

    public LayerBuilder File(string name, string content, UnixFileMode mode = (UnixFileMode)0b110_100_100, int uid = 0, int gid = 0,
        DateTimeOffset? mtime = null, Dictionary<string, string>? pax = null) =>
        File(name, Encoding.UTF8.GetBytes(content), mode, uid, gid, mtime, pax);

    public LayerBuilder File(string name, byte[] content, UnixFileMode mode = (UnixFileMode)0b110_100_100, int uid = 0, int gid = 0,
        DateTimeOffset? mtime = null, Dictionary<string, string>? pax = null) =>
        Add(new PaxTarEntry(TarEntryType.RegularFile, name, pax ?? new())
        {
            Mode = mode, Uid = uid, Gid = gid, ModificationTime = mtime ?? DefaultTime, DataStream = new MemoryStream(content),
        });

    public LayerBuilder Symlink(string name, string target, int uid = 0, int gid = 0, DateTimeOffset? mtime = null) =>
        Add(new PaxTarEntry(TarEntryType.SymbolicLink, name)
        {
            LinkName = target, Mode = (UnixFileMode)0b111_111_111, Uid = uid, Gid = gid, ModificationTime = mtime ?? DefaultTime,
        });

    public LayerBuilder HardLink(string name, string target) =>
        Add(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target, ModificationTime = DefaultTime });

    public LayerBuilder Device(string name, TarEntryType type, int major, int minor, UnixFileMode mode = (UnixFileMode)0b110_110_110) =>
        Add(new PaxTarEntry(type, name) { DeviceMajor = major, DeviceMinor = minor, Mode = mode, ModificationTime = DefaultTime });

    public LayerBuilder Fifo(string name) =>
        Add(new PaxTarEntry(TarEntryType.Fifo, name) { Mode = (UnixFileMode)0b110_100_100, ModificationTime = DefaultTime });

    /// <summary>A whiteout as OCI layers carry it: an empty regular file named .wh.NAME.</summary>
    public LayerBuilder Whiteout(string name) => File(name, "");

    private LayerBuilder Add(TarEntry entry)
    {
        _writer.WriteEntry(entry);
        return this;
    }

    /// <summary>The finished tar, with extra zero blocks after the end marker as GNU tar's blocking leaves them.</summary>
    public byte[] Tar(int trailingZeroBytes = 8192)
    {
        _writer.Dispose();
        _tar.Write(new byte[trailingZeroBytes]);
        return _tar.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    public static byte[] Zstd(byte[] data)
    {
        using var compressor = new ZstdSharp.Compressor(3);
        // As the zstd CLI does by default: a content checksum in the frame.
        compressor.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        return compressor.Wrap(data).ToArray();
    }

    public static string Sha256(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));
}
