using ContainerTools.Runtime.Files;

namespace ContainerTools.Runtime.Containers;

public sealed partial class ContainerStore
{
    /// <summary>docker cp CONTAINER:PATH HOSTPATH: see <see cref="ContainerFileCopy"/> for the rules and the symlink safety.</summary>
    public void CopyFromContainer(string idOrName, string containerPath, string hostDestination,
        FileCopyOptions? options = null, CancellationToken cancellationToken = default) =>
        WithRootfs(idOrName, rootfs => ContainerFileCopy.CopyOut(rootfs, containerPath, hostDestination, options, cancellationToken));

    /// <summary>docker cp HOSTPATH CONTAINER:PATH; into a stopped container the files land in its upper layer.</summary>
    public void CopyToContainer(string idOrName, string hostSource, string containerPath,
        FileCopyOptions? options = null, CancellationToken cancellationToken = default)
    {
        // With a user namespace, owners are the container's ids: a file of uid 0 becomes its root's, as podman cp does.
        if (Resolve(idOrName).Definition.UserNamespace is { } maps)
            options = (options ?? FileCopyOptions.Default) with { MapOwner = maps.HostIds };
        WithRootfs(idOrName, rootfs => ContainerFileCopy.CopyIn(hostSource, rootfs, containerPath, options, cancellationToken));
    }

    /// <summary>
    /// docker export: the container's whole filesystem as one tar at <paramref name="path"/>, written to a temp file
    /// beside it and renamed into place, so the path never holds half an archive.
    /// </summary>
    public void Export(string idOrName, string path, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        // With a user namespace the files show its host ids (idmapped layers, its upper directory): the archive gets its own.
        Func<int, int, (int, int)>? mapOwner = Resolve(idOrName).Definition.UserNamespace is { } maps ? maps.ContainerIds : null;
        try
        {
            WithRootfs(idOrName, rootfs =>
            {
                using var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                RootfsTarWriter.Write(rootfs, output, cancellationToken, mapOwner);
                output.Flush(flushToDisk: true);
            });
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
