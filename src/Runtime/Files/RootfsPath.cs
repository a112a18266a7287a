using ContainerTools.OciRuntime.Linux;
using Microsoft.Win32.SafeHandles;
using static Tmds.Linux.LibC;

namespace ContainerTools.Runtime.Files;

/// <summary>
/// Opens paths inside a container's root file system (any directory standing for "/", e.g. an overlay merged dir)
/// as the container would see them: absolute symlinks and ".." are resolved against the root, never the host's "/".
/// The kernel does the scoping (openat2 with RESOLVE_IN_ROOT); on kernels without it, <see cref="InRootWalk"/>.
/// Whatever the container planted, a handle returned here names something inside the root.
/// </summary>
public static class RootfsPath
{
    private static volatile bool s_openat2Missing;

    /// <summary>Opens <paramref name="containerPath"/> (absolute or relative, both from the root) inside <paramref name="rootfs"/>.</summary>
    /// <exception cref="Errors.ContainerToolsException">NotFound "ContainerPathNotFound", "RootfsNotFound";
    /// InvalidArgument "NotADirectory", "TooManySymlinks".</exception>
    public static SafeFileHandle Open(string rootfs, string containerPath, RootfsOpenFlags flags) =>
        Open(rootfs, containerPath, flags, ResolveMode.Auto);

    /// <summary>
    /// Opens the directory that holds the last component of <paramref name="containerPath"/>, resolved inside the root,
    /// and returns that component's name, so the caller creates or replaces the entry relative to the handle
    /// (with O_NOFOLLOW/O_EXCL or AT_SYMLINK_NOFOLLOW calls) instead of by path.
    /// </summary>
    /// <exception cref="Errors.ContainerToolsException">as <see cref="Open(string,string,RootfsOpenFlags)"/>, and
    /// InvalidArgument "InvalidPath" when the path ends in "." or ".." or names the root itself.</exception>
    public static SafeFileHandle OpenParent(string rootfs, string containerPath, out string leafName) =>
        OpenParent(rootfs, containerPath, out leafName, ResolveMode.Auto);

    internal static SafeFileHandle Open(string rootfs, string containerPath, RootfsOpenFlags flags, ResolveMode mode)
    {
        var rootFd = OpenRoot(rootfs);
        try
        {
            var fd = TryOpen(rootFd, containerPath, ToOpenFlags(flags), mode, out var error);
            if (fd < 0)
            {
                throw FileErrors.FromResolve(error, containerPath, inContainer: true);
            }
            return new SafeFileHandle(fd, ownsHandle: true);
        }
        finally
        {
            FileDescriptors.Close(rootFd);
        }
    }

    internal static SafeFileHandle OpenParent(string rootfs, string containerPath, out string leafName, ResolveMode mode)
    {
        var (parent, leaf) = ContainerPathText.SplitLeaf(containerPath);
        if (leaf is null)
        {
            throw FileErrors.InvalidPath(containerPath, "it does not end in a name");
        }
        leafName = leaf;
        return Open(rootfs, parent, RootfsOpenFlags.Directory, mode);
    }

    internal static int OpenRoot(string rootfs)
    {
        var fd = FileDescriptors.TryOpen(FileDescriptors.CurrentDirectory, Path.GetFullPath(rootfs), O_PATH | O_DIRECTORY, out var error);
        if (fd < 0)
        {
            throw error is var e && (e == ENOENT || e == ENOTDIR) ? FileErrors.RootfsNotFound(rootfs) : LinuxError.ToException(error, "open", rootfs);
        }
        return fd;
    }

    /// <summary>The fd for <paramref name="path"/> below <paramref name="rootFd"/>, or -1 with the errno.</summary>
    internal static int TryOpen(int rootFd, string path, int flags, ResolveMode mode, out int error)
    {
        if (mode == ResolveMode.Walk || (mode == ResolveMode.Auto && s_openat2Missing))
        {
            return InRootWalk.TryOpen(rootFd, path, flags, out error);
        }
        for (var attempt = 0; ; attempt++)
        {
            var fd = Openat2.TryOpen(rootFd, path.Length == 0 ? "." : path, flags | O_CLOEXEC,
                Openat2.ResolveInRoot | Openat2.ResolveNoMagicLinks, out error);
            // EAGAIN: a rename raced with ".." resolution; the kernel asks us to try again.
            if (fd >= 0 || error != EAGAIN || attempt == 16)
            {
                if (fd < 0 && error == ENOSYS && mode == ResolveMode.Auto)
                {
                    s_openat2Missing = true;
                    return InRootWalk.TryOpen(rootFd, path, flags, out error);
                }
                return fd;
            }
        }
    }

    internal static int ToOpenFlags(RootfsOpenFlags flags)
    {
        var result = (flags & RootfsOpenFlags.Read) != 0 ? O_RDONLY : O_PATH;
        if ((flags & RootfsOpenFlags.Directory) != 0)
        {
            result |= O_DIRECTORY;
        }
        if ((flags & RootfsOpenFlags.NoFollow) != 0)
        {
            result |= O_NOFOLLOW;
        }
        return result;
    }
}
