using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace ContainerTools.Runtime.Linux;

/// <summary>openat/close/write on raw descriptors, so path resolution can stay relative to a directory we hold.</summary>
internal static unsafe class FileDescriptors
{
    public const int CurrentDirectory = -100; // AT_FDCWD

    /// <summary>Opens a directory for use as a dirfd only, refusing to follow a symlink in its last component.</summary>
    public static int TryOpenDirectoryNoFollow(int dirFd, ReadOnlySpan<char> name, out int error)
    {
        Span<byte> scratch = stackalloc byte[NativeText.ScratchSize];
        fixed (byte* p = NativeText.Terminate(name, scratch))
        {
            int fd;
            do { fd = openat(dirFd, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0); }
            while (fd < 0 && LibC.errno == EINTR);
            error = fd < 0 ? LibC.errno : 0;
            return fd;
        }
    }

    public static int OpenDirectory(string path)
    {
        var fd = TryOpenDirectoryNoFollow(CurrentDirectory, path, out var error);
        if (fd < 0)
        {
            throw LinuxError.ToException(error, "open directory", path);
        }
        return fd;
    }

    /// <summary>Creates a new file that must not exist yet (no following a planted symlink), open for writing.</summary>
    public static int TryCreateExclusive(int dirFd, string name, uint mode, out int error)
    {
        Span<byte> scratch = stackalloc byte[NativeText.ScratchSize];
        fixed (byte* p = NativeText.Terminate(name, scratch))
        {
            int fd;
            do { fd = openat(dirFd, p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, (ushort)mode); }
            while (fd < 0 && LibC.errno == EINTR);
            error = fd < 0 ? LibC.errno : 0;
            return fd;
        }
    }

    public static void WriteAll(int fd, ReadOnlySpan<byte> data, string pathForErrors)
    {
        fixed (byte* start = data)
        {
            var p = start;
            var left = data.Length;
            while (left > 0)
            {
                var written = (long)write(fd, p, left);
                if (written < 0)
                {
                    if (errno == EINTR) { continue; }
                    throw LinuxError.Last("write", pathForErrors);
                }
                p += written;
                left -= (int)written;
            }
        }
    }

    public static void Close(int fd)
    {
        if (fd >= 0)
        {
            close(fd);
        }
    }

    /// <summary>A path through /proc that names exactly the object an fd holds, for calls that have no *at form.</summary>
    public static string ProcPath(int fd, string? name = null) =>
        name is null ? $"/proc/self/fd/{fd}" : $"/proc/self/fd/{fd}/{name}";
}
