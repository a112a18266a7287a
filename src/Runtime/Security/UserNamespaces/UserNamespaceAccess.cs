using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Runtime.Security.UserNamespaces;

/// <summary>
/// ctinit builds the root filesystem as the container's root, which on the host is an unprivileged uid: it must be able
/// to pass through the store's directories down to the container's root filesystem, its hosts files and its volumes.
/// The engine adds search permission for others (never read: names stay unlisted) on the directories from the store
/// root down to those, as Podman makes its storage 0711 for user namespaces. Bind sources outside the store are the
/// user's: the container's root reaches them only if the host lets any user do so (docs/confinement.md).
/// </summary>
internal static class UserNamespaceAccess
{
    public static void Allow(string storeRoot, string containerDirectory, IEnumerable<MountSpec> mounts)
    {
        var root = Path.GetFullPath(storeRoot).TrimEnd('/');
        // Above the store the directories are the host's, not the engine's to open up (the default, /var/lib/containertools, is reachable).
        for (var dir = Path.GetDirectoryName(root); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if ((File.GetUnixFileMode(dir) & UnixFileMode.OtherExecute) == 0)
            {
                throw new ContainerToolsException(ErrorIds.UserNamespaceStoreUnreachable,
                    $"A container with a user namespace cannot reach the store {root}: its root is an unprivileged user on the host, and {dir} does not let other users pass (chmod o+x '{dir}', or keep the store where any user may pass).", dir);
            }
        }
        AllowDown(root, containerDirectory);
        foreach (var mount in mounts)
        {
            if (mount.Type == "bind" && mount.Source is { } source && Path.GetFullPath(source).StartsWith(root + "/", StringComparison.Ordinal))
                AllowDown(root, Directory.Exists(source) ? source : Path.GetDirectoryName(source)!);
        }
    }

    private static void AllowDown(string root, string directory)
    {
        for (var dir = Path.GetFullPath(directory).TrimEnd('/'); dir.Length >= root.Length; dir = Path.GetDirectoryName(dir)!)
        {
            var mode = File.GetUnixFileMode(dir);
            if ((mode & UnixFileMode.OtherExecute) == 0) File.SetUnixFileMode(dir, mode | UnixFileMode.OtherExecute);
            if (dir == root) break;
        }
    }

    /// <summary>
    /// A volume nothing has been written to yet (its _data empty) is given to the container's root, as Podman chowns a
    /// volume at its first use by a container with a user namespace; one with content keeps its owners.
    /// </summary>
    public static void AdoptNewVolumes(IEnumerable<MountSpec> mounts, (uint Uid, uint Gid) hostRoot)
    {
        foreach (var mount in mounts)
        {
            if (mount.Type != "bind" || mount.Source is not { } source || Path.GetFileName(source) != "_data") continue;
            if (!File.Exists(Path.Combine(Path.GetDirectoryName(source)!, "volume.json")) || !Directory.Exists(source)) continue;
            if (Directory.EnumerateFileSystemEntries(source).Any()) continue;
            OciRuntime.Linux.FileNodes.SetOwner(OciRuntime.Linux.FileDescriptors.CurrentDirectory, Path.GetFullPath(source), (int)hostRoot.Uid, (int)hostRoot.Gid);
        }
    }
}
