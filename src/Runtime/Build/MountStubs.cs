using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Runtime.Build;

/// <summary>
/// What the runtime itself leaves in a container's upper directory: the empty files it bind-mounts /etc/hosts,
/// /etc/resolv.conf and /etc/hostname (and RUN --mount files) on, and directories that hold nothing but such mount
/// points. The container's command did not make them, so, as BuildKit and docker commit do, they are left out of the
/// layer taken from the upper directory.
/// </summary>
internal static class MountStubs
{
    private static readonly string[] RuntimeTargets = ["etc/hosts", "etc/resolv.conf", "etc/hostname", "proc", "sys", "dev"];

    /// <summary>The entry names (relative, no trailing slash) in <paramref name="upper"/> that are such stubs.</summary>
    /// <param name="mountTargets">Where RUN --mount put things (absolute paths in the container).</param>
    public static HashSet<string> Find(string upper, IReadOnlyList<string> layersLowestFirst, IEnumerable<string>? mountTargets = null)
    {
        var candidates = new HashSet<string>(StringComparer.Ordinal);
        foreach (var target in RuntimeTargets.Concat((mountTargets ?? []).Select(t => Dockerfile.DockerIgnore.Clean(t))))
        {
            for (var path = target; path.Length > 0; path = path.Contains('/') ? path[..path.LastIndexOf('/')] : "")
            {
                candidates.Add(path);
            }
        }
        var stubs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var candidate in candidates.OrderByDescending(c => c.Count(ch => ch == '/')).ThenBy(c => c, StringComparer.Ordinal))
        {
            var path = Path.Combine(upper, candidate);
            var info = new FileInfo(path);
            if (info.Exists)
            {
                if (info.LinkTarget is null && info.Length == 0 && !layersLowestFirst.Any(layer => Path.Exists(Path.Combine(layer, candidate))))
                {
                    stubs.Add(candidate);
                }
                continue;
            }
            if (System.IO.Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null
                && System.IO.Directory.EnumerateFileSystemEntries(path).All(e => stubs.Contains(candidate + "/" + Path.GetFileName(e)))
                && Xattrs.GetNoFollow(path, Runtime.Layers.Whiteouts.OpaqueXattr) is null)
            {
                stubs.Add(candidate);
            }
        }
        return stubs;
    }
}
