using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>What sits at a name, as lstat sees it (never following a symlink).</summary>
internal enum FileNodeKind { Missing, Directory, RegularFile, Symlink, Other }

/// <summary>A point in time as the kernel stores file times.</summary>
internal readonly record struct FileTime(long Seconds, long Nanoseconds)
{
    private const long UnixEpochTicks = 621355968000000000;

    public static FileTime From(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - UnixEpochTicks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }
        return new FileTime(seconds, remainder * 100);
    }
}

/// <summary>
/// Creation and metadata of file system nodes relative to a directory descriptor. Every call that could follow a
/// symlink in its last component is made with AT_SYMLINK_NOFOLLOW (or on an fd we created), so nothing here can be
/// steered outside the directory the caller resolved.
/// </summary>
internal static unsafe class FileNodes
{
    public static FileNodeKind Kind(int dirFd, string name)
    {
        var st = Stat(dirFd, name, out var errno);
        if (errno == ENOENT || errno == ENOTDIR)
        {
            return FileNodeKind.Missing;
        }
        if (errno != 0)
        {
            throw LinuxError.ToException(errno, "lstat", name);
        }
        return KindOf((uint)(ushort)st.st_mode);
    }

    public static FileNodeKind KindOf(uint mode) => (mode & 0xF000) switch
    {
        0x4000 => FileNodeKind.Directory,
        0x8000 => FileNodeKind.RegularFile,
        0xA000 => FileNodeKind.Symlink,
        _ => FileNodeKind.Other,
    };

    public static stat Stat(int dirFd, ReadOnlySpan<char> name, out int errno)
    {
        Span<byte> scratch = stackalloc byte[NativeText.ScratchSize];
        stat st;
        fixed (byte* p = NativeText.Terminate(name, scratch))
        {
            errno = fstatat(dirFd, p, &st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : LibC.errno;
        }
        return st;
    }

    /// <summary>fstat: what the fd itself holds, so a name swapped after the open cannot mislead us.</summary>
    public static stat Stat(int fd, out int errno)
    {
        stat st;
        errno = fstat(fd, &st) == 0 ? 0 : LibC.errno;
        return st;
    }

    /// <summary>The target text of a symlink, never resolved. An empty <paramref name="name"/> reads the link an
    /// O_PATH|O_NOFOLLOW fd holds.</summary>
    public static string ReadLink(int dirFd, string name)
    {
        var target = TryReadLink(dirFd, name, out var errno);
        if (target is null)
        {
            throw LinuxError.ToException(errno, "readlink", name);
        }
        return target;
    }

    public static string? TryReadLink(int dirFd, string name, out int errno)
    {
        Span<byte> scratch = stackalloc byte[NativeText.ScratchSize];
        for (var size = 256; ; size *= 4)
        {
            var buffer = new byte[size];
            fixed (byte* p = NativeText.Terminate(name, scratch))
            fixed (byte* b = buffer)
            {
                var n = (long)readlinkat(dirFd, p, b, size);
                if (n < 0)
                {
                    errno = LibC.errno;
                    return null;
                }
                if (n < size)
                {
                    errno = 0;
                    return System.Text.Encoding.UTF8.GetString(buffer, 0, (int)n);
                }
            }
        }
    }

    public static int TryMakeDirectory(int dirFd, ReadOnlySpan<char> name, uint mode)
    {
        Span<byte> scratch = stackalloc byte[NativeText.ScratchSize];
        fixed (byte* p = NativeText.Terminate(name, scratch))
        {
            return mkdirat(dirFd, p, (ushort)mode) == 0 ? 0 : LibC.errno;
        }
    }

    /// <summary>mknod for character/block devices and fifos; <paramref name="mode"/> includes the S_IF* type bits.</summary>
    public static void MakeNode(int dirFd, string name, uint mode, uint major, uint minor)
    {
        Span<byte> scratch = stackalloc byte[NativeText.ScratchSize];
        fixed (byte* p = NativeText.Terminate(name, scratch))
        {
            if (mknodat(dirFd, p, (ushort)mode, MakeDevice(major, minor)) != 0)
            {
                throw LinuxError.Last("mknod", name);
            }
        }
    }

    /// <summary>glibc's makedev: the 64-bit dev_t layout the kernel's new_encode_dev expects.</summary>
    public static ulong MakeDevice(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) |
        ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);

    /// <summary>glibc's major()/minor() for a dev_t as stat reports it.</summary>
    public static uint DeviceMajor(ulong device) => (uint)(((device >> 8) & 0xfff) | ((device >> 32) & 0xfffff000));

    public static uint DeviceMinor(ulong device) => (uint)((device & 0xff) | ((device >> 12) & 0xffffff00));

    /// <summary>symlinkat; 0 or the errno (EEXIST when the name is taken).</summary>
    public static int TryMakeSymlink(string target, int dirFd, string name)
    {
        Span<byte> targetScratch = stackalloc byte[NativeText.ScratchSize];
        Span<byte> nameScratch = stackalloc byte[NativeText.ScratchSize];
        fixed (byte* t = NativeText.Terminate(target, targetScratch))
        fixed (byte* p = NativeText.Terminate(name, nameScratch))
        {
            return symlinkat(t, dirFd, p) == 0 ? 0 : LibC.errno;
        }
    }

    public static void MakeSymlink(string target, int dirFd, string name)
    {
        var errno = TryMakeSymlink(target, dirFd, name);
        if (errno != 0)
        {
            throw LinuxError.ToException(errno, "symlink", name);
        }
    }

    /// <summary>A hard link to the existing name itself: without AT_SYMLINK_FOLLOW a symlink is linked, not its target.</summary>
    public static void MakeHardLink(int targetDirFd, string targetName, int dirFd, string name)
    {
        Span<byte> targetScratch = stackalloc byte[NativeText.ScratchSize];
        Span<byte> nameScratch = stackalloc byte[NativeText.ScratchSize];
        fixed (byte* t = NativeText.Terminate(targetName, targetScratch))
        fixed (byte* p = NativeText.Terminate(name, nameScratch))
        {
            if (linkat(targetDirFd, t, dirFd, p, 0) != 0)
            {
                throw LinuxError.Last("link", name);
            }
        }
    }

    /// <summary>
    /// A new name for the file an fd holds. linkat through /proc/self/fd with AT_SYMLINK_FOLLOW links exactly that
    /// inode, whatever has happened to its old name since, and unlike AT_EMPTY_PATH needs no CAP_DAC_READ_SEARCH.
    /// </summary>
    public static void MakeHardLinkTo(int fd, int dirFd, string name)
    {
        Span<byte> targetScratch = stackalloc byte[NativeText.ScratchSize];
        Span<byte> nameScratch = stackalloc byte[NativeText.ScratchSize];
        fixed (byte* t = NativeText.Terminate(FileDescriptors.ProcPath(fd), targetScratch))
        fixed (byte* p = NativeText.Terminate(name, nameScratch))
        {
            if (linkat(AT_FDCWD, t, dirFd, p, AT_SYMLINK_FOLLOW) != 0)
            {
                throw LinuxError.Last("link", name);
            }
        }
    }

    public static void Unlink(int dirFd, string name, bool directory)
    {
        Span<byte> scratch = stackalloc byte[NativeText.ScratchSize];
        fixed (byte* p = NativeText.Terminate(name, scratch))
        {
            if (unlinkat(dirFd, p, directory ? AT_REMOVEDIR : 0) != 0 && errno != ENOENT)
            {
                throw LinuxError.Last("unlink", name);
            }
        }
    }

    /// <summary>lchown: changes the owner of the name itself, a symlink included.</summary>
    public static void SetOwner(int dirFd, string name, int uid, int gid)
    {
        Span<byte> scratch = stackalloc byte[NativeText.ScratchSize];
        fixed (byte* p = NativeText.Terminate(name, scratch))
        {
            if (fchownat(dirFd, p, (uint)uid, (uint)gid, AT_SYMLINK_NOFOLLOW) != 0)
            {
                throw LinuxError.Last("lchown", name);
            }
        }
    }

    public static void SetOwner(int fd, int uid, int gid, string pathForErrors)
    {
        if (fchown(fd, (uint)uid, (uint)gid) != 0)
        {
            throw LinuxError.Last("chown", pathForErrors);
        }
    }

    /// <summary>chmod of a name the caller knows is not a symlink (Linux cannot chmod a symlink itself).</summary>
    public static void SetMode(int dirFd, string name, uint mode)
    {
        Span<byte> scratch = stackalloc byte[NativeText.ScratchSize];
        fixed (byte* p = NativeText.Terminate(name, scratch))
        {
            if (fchmodat(dirFd, p, (ushort)(mode & 0xFFF), 0) != 0)
            {
                throw LinuxError.Last("chmod", name);
            }
        }
    }

    public static void SetMode(int fd, uint mode, string pathForErrors)
    {
        if (fchmod(fd, (ushort)(mode & 0xFFF)) != 0)
        {
            throw LinuxError.Last("chmod", pathForErrors);
        }
    }

    /// <summary>Sets atime and mtime of the name itself (utimensat with AT_SYMLINK_NOFOLLOW).</summary>
    public static void SetTimes(int dirFd, string name, FileTime time)
    {
        Span<byte> scratch = stackalloc byte[NativeText.ScratchSize];
        var times = stackalloc timespec[2];
        Fill(times, time);
        fixed (byte* p = NativeText.Terminate(name, scratch))
        {
            if (utimensat(dirFd, p, times, AT_SYMLINK_NOFOLLOW) != 0)
            {
                throw LinuxError.Last("utimensat", name);
            }
        }
    }

    public static void SetTimes(int fd, FileTime time, string pathForErrors)
    {
        var times = stackalloc timespec[2];
        Fill(times, time);
        if (futimens(fd, times) != 0)
        {
            throw LinuxError.Last("futimens", pathForErrors);
        }
    }

    private static void Fill(timespec* times, FileTime time)
    {
        times[0].tv_sec = time.Seconds;
        times[0].tv_nsec = (long_t)time.Nanoseconds;
        times[1] = times[0];
    }
}
