using ContainerTools.OciRuntime.Linux;
using static Tmds.Linux.LibC;

namespace ContainerTools.Runtime.Files;

/// <summary>Where a copy's paths are resolved: the host's own namespace, or strictly inside a container's root.</summary>
internal abstract class PathScope : IDisposable
{
    public abstract bool InContainer { get; }

    /// <summary>An fd for <paramref name="path"/> (symlinks followed as this scope follows them), or -1 with the errno.</summary>
    public abstract int TryOpen(string path, int flags, out int error);

    public int OpenDirectory(string path)
    {
        var fd = TryOpen(path, O_PATH | O_DIRECTORY, out var error);
        if (fd < 0)
        {
            throw FileErrors.FromResolve(error, path, InContainer);
        }
        return fd;
    }

    public virtual void Dispose()
    {
    }
}

/// <summary>Host paths are the caller's own and resolve as any program's would.</summary>
internal sealed class HostScope : PathScope
{
    public override bool InContainer => false;

    public override int TryOpen(string path, int flags, out int error) =>
        FileDescriptors.TryOpen(FileDescriptors.CurrentDirectory, path.Length == 0 ? "." : path, flags, out error);
}

/// <summary>Container paths resolve with the root as "/" (<see cref="RootfsPath"/>).</summary>
internal sealed class RootfsScope : PathScope
{
    private readonly int _rootFd;
    private readonly ResolveMode _mode;

    public RootfsScope(string rootfs, ResolveMode mode)
    {
        _rootFd = RootfsPath.OpenRoot(rootfs);
        _mode = mode;
    }

    public override bool InContainer => true;

    public override int TryOpen(string path, int flags, out int error) => RootfsPath.TryOpen(_rootFd, path, flags, _mode, out error);

    public override void Dispose() => FileDescriptors.Close(_rootFd);
}
