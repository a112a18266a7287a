using ContainerTools.Runtime.Linux;

namespace ContainerTools.Runtime.Build;

/// <summary>
/// What the runtime itself leaves in a container's upper directory: the empty files it bind-mounts /etc/hosts,
/// /etc/resolv.conf and /etc/hostname on, and directories that only hold mount points. The container's command did
/// not make them, so, as BuildKit and docker commit do, they are left out of the layer taken from the upper directory.
/// </summary>
internal static class MountStubs
{
    private static readonly string[] Files = ["etc/hosts", "etc/resolv.conf", "etc/hostname"];
    private static readonly string[] Directories = ["proc", "sys", "dev", "etc", "run"];

    /// <summary>The entry names (relative, no trailing slash) in <paramref name="upper"/> that are such stubs.</summary>
    public static HashSet<string> Find(string upper, IReadOnlyList<string> layersLowestFirst)
    {
        var stubs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stub in Files)
        {
            var info = new FileInfo(Path.Combine(upper, stub));
            if (info.Exists && info.LinkTarget is null && info.Length == 0 && !layersLowestFirst.Any(layer => Path.Exists(Path.Combine(layer, stub))))
            {
                stubs.Add(stub);
            }
        }
        foreach (var stub in Directories)
        {
            var path = Path.Combine(upper, stub);
            if (System.IO.Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null
                && System.IO.Directory.EnumerateFileSystemEntries(path).All(e => stubs.Contains(stub + "/" + Path.GetFileName(e)))
                && Xattrs.GetNoFollow(path, Runtime.Layers.Whiteouts.OpaqueXattr) is null)
            {
                stubs.Add(stub);
            }
        }
        return stubs;
    }
}
