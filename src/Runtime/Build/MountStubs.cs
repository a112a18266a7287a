using ContainerTools.Runtime.Linux;

namespace ContainerTools.Runtime.Build;

/// <summary>
/// What the runtime itself leaves in a RUN container's upper directory: the empty files it bind-mounts /etc/hosts,
/// /etc/resolv.conf and /etc/hostname on, and the directories copied up or made only to hold mount points. The
/// command did not make them, so, as BuildKit does, they are removed before the layer is taken.
/// </summary>
internal static class MountStubs
{
    private static readonly string[] Files = ["etc/hosts", "etc/resolv.conf", "etc/hostname"];
    private static readonly string[] Directories = ["proc", "sys", "dev", "etc"];

    public static void Remove(string upper, IReadOnlyList<string> layersLowestFirst)
    {
        foreach (var stub in Files)
        {
            var info = new FileInfo(Path.Combine(upper, stub));
            if (info.Exists && info.LinkTarget is null && info.Length == 0 && !layersLowestFirst.Any(layer => Path.Exists(Path.Combine(layer, stub))))
            {
                info.Delete();
            }
        }
        foreach (var stub in Directories)
        {
            var path = Path.Combine(upper, stub);
            if (System.IO.Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null && !System.IO.Directory.EnumerateFileSystemEntries(path).Any()
                && Xattrs.GetNoFollow(path, Runtime.Layers.Whiteouts.OpaqueXattr) is null)
            {
                System.IO.Directory.Delete(path);
            }
        }
    }
}
