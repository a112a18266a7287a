using System.IO.Compression;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Archives;

public enum ArchiveKind
{
    DockerArchive,
    OciLayout,
    OciArchive,
}

/// <summary>
/// Recognizes an image archive by its content, never its file name: a directory with oci-layout and index.json is an OCI
/// layout; a tar (plain, or gzip/zstd compressed) with manifest.json is a docker-archive, one with oci-layout and index.json
/// an oci-archive. Newer docker save writes both; its manifest.json, which carries the tags, wins.
/// </summary>
public static class ArchiveReader
{
    public static (ArchiveKind Kind, IReadOnlyList<ArchiveImage> Images) Read(string path, string stagingDirectory)
    {
        if (Directory.Exists(path))
        {
            var layout = new DirectoryContent(path);
            if (!OciLayoutReader.IsLayout(layout))
            {
                throw Unknown(path, "a directory without oci-layout and index.json");
            }
            return (ArchiveKind.OciLayout, OciLayoutReader.Read(layout));
        }
        if (!File.Exists(path))
        {
            throw new ContainerToolsException(ErrorIds.ArchiveNotFound, $"There is no file or directory '{path}'.", path);
        }

        var tarPath = Decompressed(path, stagingDirectory);
        if (!TarContent.LooksLikeTar(tarPath))
        {
            throw Unknown(path, "neither a tar archive nor a compressed one");
        }
        var tar = TarContent.Index(tarPath);
        if (tar.Contains(DockerArchiveReader.ManifestName))
        {
            return (ArchiveKind.DockerArchive, DockerArchiveReader.Read(tar));
        }
        if (OciLayoutReader.IsLayout(tar))
        {
            return (ArchiveKind.OciArchive, OciLayoutReader.Read(tar));
        }
        throw Unknown(path, "a tar without manifest.json (docker-archive) or oci-layout and index.json (oci-archive)");
    }

    /// <summary>A compressed archive is inflated into staging once, because reading it needs random access.</summary>
    private static string Decompressed(string path, string stagingDirectory)
    {
        Span<byte> magic = stackalloc byte[4];
        int read;
        using (var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            read = probe.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        }
        var isGzip = read >= 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        var isZstd = read >= 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd;
        if (!isGzip && !isZstd)
        {
            return path;
        }
        var target = Path.Combine(stagingDirectory, $"archive-{Guid.NewGuid():N}.tar");
        try
        {
            using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using Stream decompressor = isGzip ? new GZipStream(source, CompressionMode.Decompress) : new ZstdSharp.DecompressionStream(source);
            using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            decompressor.CopyTo(output);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or ZstdSharp.ZstdException)
        {
            throw new ContainerToolsException(ErrorIds.CorruptArchive, $"'{path}' is a damaged compressed archive: {ex.Message}", path, ex);
        }
        return target;
    }

    private static ContainerToolsException Unknown(string path, string what) =>
        new(ErrorIds.UnknownArchiveFormat,
            $"'{path}' is not an image archive ({what}); expected a docker-archive, an oci-archive or an OCI layout directory.", path);
}
