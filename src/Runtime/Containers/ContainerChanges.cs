using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Runtime.Containers;

/// <summary>docker diff's kinds: a path changed (it was in the image), was added, or was deleted.</summary>
public enum ContainerChangeKind { Modified = 0, Added = 1, Deleted = 2 }

/// <summary>One path a container changed against its image (docker diff).</summary>
public sealed record ContainerChange(string Path, ContainerChangeKind Kind);

public sealed partial class ContainerStore
{
    /// <summary>
    /// What the container changed in its root filesystem, read from its overlay upper directory: a whiteout (a 0/0
    /// character device) is a deletion, anything the image's layers also have is a modification, the rest is added.
    /// Reads with lstat only: nothing in the upper directory is followed.
    /// </summary>
    public IReadOnlyList<ContainerChange> Changes(string idOrName)
    {
        var container = Resolve(idOrName);
        var upper = container.Paths.UpperDirectory;
        var lowers = File.Exists(container.Paths.LayersFile) ? File.ReadAllLines(container.Paths.LayersFile).Where(l => l.Length > 0).ToList() : [];
        // Mount points the engine made in the upper directory (the name files, volumes, binds): not the container's changes, as in Docker.
        var mountPoints = new HashSet<string>(["/etc/hostname", "/etc/hosts", "/etc/resolv.conf", .. container.Definition.Mounts.Select(m => m.Destination)], StringComparer.Ordinal);
        var changes = new List<ContainerChange>();
        if (!Directory.Exists(upper)) return changes;
        Walk(upper, "");
        return changes.OrderBy(c => c.Path, StringComparer.Ordinal).ToList();

        bool IsInImage(string path) => lowers.Any(lower =>
        {
            FileNodes.Stat(-100 /* AT_FDCWD */, Path.Combine(lower, path.TrimStart('/')), out var errno);
            return errno == 0;
        });

        void Walk(string directory, string relative)
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
            {
                var name = Path.GetFileName(entry);
                var path = relative + "/" + name;
                if (mountPoints.Contains(path)) continue;
                var st = FileNodes.Stat(-100 /* AT_FDCWD */, entry, out var errno);
                if (errno != 0) continue;
                var type = (uint)(ushort)st.st_mode & 0xF000;
                if (type == 0x2000 && (ulong)st.st_rdev == 0)
                {
                    changes.Add(new ContainerChange(path, ContainerChangeKind.Deleted));
                    continue;
                }
                if (type == 0x4000 && changes.Count(c => c.Path.StartsWith(path + "/", StringComparison.Ordinal)) == 0 && mountPoints.Any(m => m.StartsWith(path + "/", StringComparison.Ordinal)))
                {
                    // Only made to hold a mount point.
                    var before = changes.Count;
                    Walk(entry, path);
                    if (changes.Count == before) continue;
                    changes.Insert(before, new ContainerChange(path, IsInImage(path) ? ContainerChangeKind.Modified : ContainerChangeKind.Added));
                    continue;
                }
                changes.Add(new ContainerChange(path, IsInImage(path) ? ContainerChangeKind.Modified : ContainerChangeKind.Added));
                if (type == 0x4000) Walk(entry, path);
            }
        }
    }
}
