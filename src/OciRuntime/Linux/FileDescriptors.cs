using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// Raw file descriptors: pipes, dups, close-on-exec and whole-file reads/writes; openat/close/write so path resolution
/// can stay relative to a directory we hold.
/// </summary>
public static unsafe class FileDescriptors
{
    public const int ReadOnly = 0;
    public const int WriteOnly = 1;
    public const int CloseOnExec = 0x80000; // O_CLOEXEC
    private const int FGetFd = 1, FSetFd = 2, FDupFdCloexec = 1030, FdCloexec = 1;
    private const int SysCloseRange = 436, CloseRangeCloexec = 4;

    public static int Open(string path, int flags, int mode = 0)
    {
        var bytes = Zero(path);
        fixed (byte* p = bytes)
            return SystemCallException.Check(LibC.open(p, flags | CloseOnExec, (ushort)mode), "open", path);
    }

    public static (int Read, int Write) Pipe()
    {
        int* fds = stackalloc int[2];
        SystemCallException.Check(LibC.pipe2(fds, CloseOnExec), "pipe2");
        return (fds[0], fds[1]);
    }

    /// <summary>A close-on-exec copy at or above <paramref name="minimum"/>.</summary>
    public static int DuplicateCloseOnExec(int fd, int minimum = 3) =>
        SystemCallException.Check(LibC.fcntl(fd, FDupFdCloexec, minimum), "fcntl(F_DUPFD_CLOEXEC)");

    /// <summary>dup2: <paramref name="target"/> becomes a copy of <paramref name="fd"/> (not close-on-exec), closing what it was.</summary>
    public static void DuplicateOnto(int fd, int target)
    {
        while (dup2(fd, target) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) throw new SystemCallException("dup2", errno);
        }
    }

    [DllImport(LibcLibrary.Name, SetLastError = true, EntryPoint = "dup2")] private static extern int dup2(int fd, int target);

    public static void SetCloseOnExec(int fd)
    {
        var flags = SystemCallException.Check(LibC.fcntl(fd, FGetFd), "fcntl(F_GETFD)");
        SystemCallException.Check(LibC.fcntl(fd, FSetFd, flags | FdCloexec), "fcntl(F_SETFD)");
    }

    public static void Close(int fd)
    {
        if (fd >= 0) LibC.close(fd);
    }

    /// <summary>close_range(first, ~0, 0): every fd from <paramref name="first"/> up.</summary>
    public static void CloseFrom(int first) =>
        SystemCallException.Check((long)(ssize_t)LibC.syscall(SysCloseRange, first, uint.MaxValue, 0), "close_range");

    public static void WriteAll(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            var done = 0;
            while (done < data.Length)
            {
                var n = (long)LibC.write(fd, p + done, data.Length - done);
                if (n < 0)
                {
                    if (LibC.errno == LibC.EINTR) continue;
                    throw new SystemCallException("write", LibC.errno);
                }
                done += (int)n;
            }
        }
    }

    /// <summary>
    /// close_range(first, ~0, CLOSE_RANGE_CLOEXEC): every fd from <paramref name="first"/> up closes at the next execve.
    /// Unlike closing them now, this cannot pull an fd from under a runtime that still runs until then.
    /// </summary>
    public static void CloseOnExecFrom(int first) =>
        SystemCallException.Check((long)(ssize_t)LibC.syscall(SysCloseRange, first, uint.MaxValue, CloseRangeCloexec), "close_range");

    /// <summary>One read(2), retried on EINTR; 0 at end of file.</summary>
    public static int Read(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = (long)LibC.read(fd, p, buffer.Length);
                if (n >= 0) return (int)n;
                if (LibC.errno != LibC.EINTR) throw new SystemCallException("read", LibC.errno);
            }
        }
    }

    /// <summary>Fills <paramref name="buffer"/> whole (a message on a pipe may come in pieces); false at end of file before that.</summary>
    public static bool TryReadExactly(int fd, Span<byte> buffer)
    {
        for (var done = 0; done < buffer.Length;)
        {
            var n = Read(fd, buffer[done..]);
            if (n == 0) return false;
            done += n;
        }
        return true;
    }

    /// <summary>Reads until end of file.</summary>
    public static byte[] ReadToEnd(int fd)
    {
        var result = new MemoryStream();
        var buffer = new byte[4096];
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = (long)LibC.read(fd, p, buffer.Length);
                if (n < 0)
                {
                    if (LibC.errno == LibC.EINTR) continue;
                    throw new SystemCallException("read", LibC.errno);
                }
                if (n == 0) break;
                result.Write(buffer, 0, (int)n);
            }
        }
        return result.ToArray();
    }

    internal static byte[] Zero(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    public const int CurrentDirectory = -100; // AT_FDCWD

    /// <summary>openat with the caller's flags (O_CLOEXEC always added), retrying on EINTR.</summary>
    public static int TryOpen(int dirFd, ReadOnlySpan<char> name, int flags, out int error) => TryOpen(dirFd, name, flags, 0, out error);

    /// <summary>openat with a creation mode (for O_CREAT; the umask applies), O_CLOEXEC always added, retrying on EINTR.</summary>
    public static int TryOpen(int dirFd, ReadOnlySpan<char> name, int flags, uint mode, out int error)
    {
        Span<byte> scratch = stackalloc byte[NativeText.ScratchSize];
        fixed (byte* p = NativeText.Terminate(name, scratch))
        {
            int fd;
            do { fd = openat(dirFd, p, flags | O_CLOEXEC, (ushort)mode); }
            while (fd < 0 && LibC.errno == EINTR);
            error = fd < 0 ? LibC.errno : 0;
            return fd;
        }
    }


    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes; 0 at end of file.</summary>
    public static int Read(int fd, Span<byte> buffer, string pathForErrors)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = (long)read(fd, p, buffer.Length);
                if (n >= 0)
                {
                    return (int)n;
                }
                if (errno != EINTR)
                {
                    throw LinuxError.Last("read", pathForErrors);
                }
            }
        }
    }


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

    /// <summary>A path through /proc that names exactly the object an fd holds, for calls that have no *at form.</summary>
    public static string ProcPath(int fd, string? name = null) =>
        name is null ? $"/proc/self/fd/{fd}" : $"/proc/self/fd/{fd}/{name}";
}
