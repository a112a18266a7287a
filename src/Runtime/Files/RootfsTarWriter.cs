using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Runtime.Files;

/// <summary>
/// docker export: a container's root file system as one PAX tar (what <c>docker export</c> writes, and what
/// <see cref="Layers.LayerApplier"/> reads back). The walk holds directory fds and never follows a symlink, so a
/// running container cannot steer it outside the root. Entry names are relative ("etc/passwd", "bin/"), in ordinal
/// order, with no entry for the root itself.
/// </summary>
public static class RootfsTarWriter
{
    /// <exception cref="Errors.ContainerToolsException">NotFound "RootfsNotFound".</exception>
    public static void Write(string rootfs, Stream output, CancellationToken cancellationToken = default, Func<int, int, (int Uid, int Gid)>? mapOwner = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootfs);
        ArgumentNullException.ThrowIfNull(output);
        var rootFd = RootfsPath.OpenRoot(rootfs);
        try
        {
            using var writer = new TarTreeWriter(output, cancellationToken, TarTreeOptions.Default with { MapOwner = mapOwner });
            writer.WriteChildren(rootFd, "");
        }
        finally
        {
            FileDescriptors.Close(rootFd);
        }
    }
}
