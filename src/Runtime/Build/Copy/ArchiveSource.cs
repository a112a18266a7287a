using System.IO.Compression;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Build.Copy;

/// <summary>
/// ADD's local archive rule: a source file that is a tar (plain, gzip or zstd) is unpacked, and its contents are what
/// gets copied. The archive is unpacked by the layer applier (same safety rules: nothing escapes the directory).
/// Other files, bzip2 and xz archives included, are copied as they are.
/// </summary>
public static class ArchiveSource
{
    public static CopySource? TryExtract(CopySource source, string scratch, CancellationToken cancellationToken)
    {
        if (source.IsDirectory || !IsTar(source.FullPath))
        {
            return null;
        }
        var directory = Path.Combine(scratch, $"archive-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        using var stream = File.OpenRead(source.FullPath);
        var unpacked = LayerStore.Unpack(stream, directory, cancellationToken);
        return new CopySource(unpacked.Path, "", true, FromArchive: true);
    }

    private static bool IsTar(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            var magic = new byte[4];
            if (file.Read(magic) < 4)
            {
                return false;
            }
            file.Position = 0;
            Stream content = magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true)
                : magic is [0x28, 0xb5, 0x2f, 0xfd] ? new ZstdSharp.DecompressionStream(file, leaveOpen: true)
                : file;
            using (content == file ? null : content)
            {
                var header = new byte[512];
                var read = 0;
                int n;
                while (read < header.Length && (n = content.Read(header, read, header.Length - read)) > 0)
                {
                    read += n;
                }
                return read == 512 && header.AsSpan(257, 5).SequenceEqual("ustar"u8);
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or ZstdSharp.ZstdException)
        {
            return false;
        }
    }
}
