using System.Security.Cryptography;
using ContainerTools.Runtime.Build.Layers;
using ContainerTools.Runtime.Images;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Tests.Build;

/// <summary>
/// An image's file system flattened to one line per path: type, permission bits, owner, and the symlink target or
/// the content's sha256 (no mtimes). Read from an overlay of the image's layers, as a container would see it.
/// </summary>
public static class FileTree
{
    public static SortedDictionary<string, string> Of(ImageStore store, Image image)
    {
        var staging = store.Root.CreateTempDirectory("tree");
        try
        {
            using var mount = LayerMount.Mount(store.LayerDirectories(image), staging);
            var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
            Walk(mount.Merged, "", result);
            return result;
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private static void Walk(string root, string relative, SortedDictionary<string, string> result)
    {
        foreach (var entry in new DirectoryInfo(Path.Combine(root, relative)).EnumerateFileSystemInfos())
        {
            var path = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
            var st = FileNodes.Stat(FileDescriptors.CurrentDirectory, entry.FullName, out var errno);
            Assert.Equal(0, errno);
            var mode = (uint)(ushort)st.st_mode;
            var owner = $"{(uint)st.st_uid}:{(uint)st.st_gid}";
            var permissions = Convert.ToString(mode & 0xFFF, 8);
            switch (mode & 0xF000)
            {
                case 0x4000:
                    result[path] = $"dir {permissions} {owner}";
                    Walk(root, path, result);
                    break;
                case 0xA000:
                    result[path] = $"link {owner} -> {entry.LinkTarget}";
                    break;
                case 0x8000:
                    using (var stream = File.OpenRead(entry.FullName))
                    {
                        result[path] = $"file {permissions} {owner} {Convert.ToHexString(SHA256.HashData(stream))[..16]}";
                    }
                    break;
                default:
                    result[path] = $"other {mode:x} {owner}";
                    break;
            }
        }
    }
}
