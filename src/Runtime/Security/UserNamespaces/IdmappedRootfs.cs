using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Runtime.Security.UserNamespaces;

/// <summary>
/// The root filesystem of a container with a user namespace, without copying a layer: each layer directory is bound
/// idmapped through a user namespace with the container's maps (files owned by 0 on disk are the container root's),
/// overlayfs stacks those, and the upper and work directories belong to the container's root on the host, so what it
/// writes is owned by its own host ids. The idmapped binds are detached once the overlay holds them (it keeps private
/// clones), so the host is left with the one overlay mount, as for any container. docs/confinement.md.
/// </summary>
internal static class IdmappedRootfs
{
    public static void Mount(ContainerIdMaps maps, IReadOnlyList<string> lowerHighestFirst, string upper, string work, string merged, string scratch, string? initPath)
    {
        var (uid, gid) = maps.HostRoot;
        Chown(upper, uid, gid);
        Chown(work, uid, gid);
        Directory.CreateDirectory(scratch);
        var userNamespace = UserNamespaceHolder.Create(maps.Uids, maps.Gids, initPath);
        var mounted = new List<string>();
        try
        {
            for (var i = 0; i < lowerHighestFirst.Count; i++)
            {
                var target = Path.Combine(scratch, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Directory.CreateDirectory(target);
                IdmappedMount.Create(lowerHighestFirst[i], target, userNamespace);
                mounted.Add(target);
            }
            OverlayMount.Mount(mounted, upper, work, merged);
        }
        finally
        {
            FileDescriptors.Close(userNamespace);
            foreach (var target in mounted)
            {
                try { Mounts.Unmount(target, detach: true); } catch (SystemCallException) { }
            }
            // Empty directories once their binds are detached.
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
        }
    }

    private static void Chown(string path, uint uid, uint gid) =>
        FileNodes.SetOwner(FileDescriptors.CurrentDirectory, Path.GetFullPath(path), (int)uid, (int)gid);
}
