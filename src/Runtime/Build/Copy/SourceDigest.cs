using System.Security.Cryptography;
using System.Text;
using ContainerTools.Runtime.Build.Dockerfile;

namespace ContainerTools.Runtime.Build.Copy;

/// <summary>
/// The part of a COPY/ADD cache key that stands for its sources: names, types, permission bits, symlink targets and
/// content of every entry copied (mtimes and owners left out: COPY sets owners, and a touched file is the same file).
/// </summary>
public static class SourceDigest
{
    public static string Of(IReadOnlyList<CopySource> sources, DockerIgnore ignore)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var source in sources)
        {
            Add(hash, "source " + source.RelativePath + (source.IsDirectory ? "/" : ""));
            if (source.IsDirectory)
            {
                Walk(hash, source.FullPath, source.RelativePath, "", ignore);
            }
            else
            {
                Entry(hash, new FileInfo(source.FullPath), "");
            }
        }
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    private static void Walk(IncrementalHash hash, string directory, string sourcePrefix, string relative, DockerIgnore ignore)
    {
        var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var path = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
            var contextPath = sourcePrefix.Length == 0 ? path : sourcePrefix + "/" + path;
            if (ignore.Excludes(contextPath))
            {
                continue;
            }
            Entry(hash, entry, path);
            if (entry is DirectoryInfo && entry.LinkTarget is null)
            {
                Walk(hash, entry.FullName, sourcePrefix, path, ignore);
            }
        }
    }

    private static void Entry(IncrementalHash hash, FileSystemInfo entry, string path)
    {
        var mode = (ushort)OciRuntime.Linux.FileNodes.Stat(OciRuntime.Linux.FileDescriptors.CurrentDirectory, entry.FullName, out _).st_mode & 0xFFF;
        if (entry.LinkTarget is { } target)
        {
            Add(hash, $"link {path} -> {target}");
            return;
        }
        if (entry is DirectoryInfo)
        {
            Add(hash, $"dir {path} {mode}");
            return;
        }
        var file = (FileInfo)entry;
        Add(hash, $"file {path} {mode} {file.Length}");
        using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        Add(hash, Convert.ToHexString(SHA256.HashData(stream)));
    }

    private static void Add(IncrementalHash hash, string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
}
