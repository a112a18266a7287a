using System.Runtime.InteropServices;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// Small whole files (state files, cgroup control files, a container's name files) through open, read or write and
/// close alone. FileStream adds an flock and its unlock, an fstatfs, an lseek and a second fstat to each, and
/// Directory.CreateDirectory a mkdir and a stat before each write: twice the system calls of the work itself, on every
/// file a container's start reads or writes.
/// </summary>
public static unsafe class WholeFiles
{
    /// <summary>rw-rw-rw- less the umask, as FileStream creates files.</summary>
    public const uint DefaultMode = 0x1b6;

    /// <summary>The file's bytes; null when it (or a directory on its path) does not exist.</summary>
    public static byte[]? TryRead(string path)
    {
        var fd = FileDescriptors.TryOpen(FileDescriptors.CurrentDirectory, path, O_RDONLY, out var error);
        if (fd < 0)
        {
            if (error is Errno.ENOENT or Errno.ENOTDIR) return null;
            throw ToException(error, "open", path);
        }
        try { return ReadToEnd(fd, path); }
        finally { close(fd); }
    }

    /// <summary>Everything from the fd's offset to the end, sized by fstat (a /proc or cgroup file reports 0 and grows the buffer).</summary>
    /// <remarks>
    /// A file as long as fstat says (the usual case: nothing appends to the files read this way) is read into an array
    /// of exactly its size, which one more read of a byte proves complete, and returned without a copy.
    /// </remarks>
    public static byte[] ReadToEnd(int fd, string path)
    {
        var st = FileNodes.Stat(fd, out var errno);
        if (errno != 0) throw ToException(errno, "fstat", path);
        var buffer = new byte[st.st_size > 0 ? st.st_size : 4096];
        var length = 0;
        Span<byte> beyond = stackalloc byte[1];
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length == st.st_size && FileDescriptors.Read(fd, beyond, path) == 0) return buffer;
                Array.Resize(ref buffer, buffer.Length * 2);
                if (length == st.st_size) buffer[length++] = beyond[0];
                continue;
            }
            var n = FileDescriptors.Read(fd, buffer.AsSpan(length), path);
            if (n == 0) break;
            length += n;
        }
        return buffer.AsSpan(0, length).ToArray();
    }

    /// <summary>
    /// Writes the file in place, creating it when missing, then cuts it to the new length: a bind mount of the file
    /// keeps showing it (a rename would leave the mount on the old inode).
    /// </summary>
    public static void WriteInPlace(string path, ReadOnlySpan<byte> content)
    {
        var fd = FileDescriptors.TryOpen(FileDescriptors.CurrentDirectory, path, O_WRONLY | O_CREAT, DefaultMode, out var error);
        if (fd < 0) throw ToException(error, "open", path);
        try
        {
            FileDescriptors.WriteAll(fd, content, path);
            if (ftruncate(fd, content.Length) != 0) throw ToException(LibC.errno, "ftruncate", path);
        }
        finally { close(fd); }
    }

    /// <summary>
    /// As <see cref="WriteInPlace"/>, for a file whose directory may not exist yet: made only when the open says it is
    /// missing (one mkdir on the first write, none after).
    /// </summary>
    public static void WriteInPlaceMakingDirectory(string path, ReadOnlySpan<byte> content)
    {
        try { WriteInPlace(path, content); }
        catch (FileNotFoundException)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            WriteInPlace(path, content);
        }
    }

    /// <summary>
    /// A new file open for writing (O_EXCL: never a name already taken, nor a planted symlink followed), its directory
    /// made only when the create says it is missing; -1 and the errno otherwise.
    /// </summary>
    public static int TryCreateNew(string path, out int error)
    {
        var fd = FileDescriptors.TryCreateExclusive(FileDescriptors.CurrentDirectory, path, DefaultMode, out error);
        if (fd >= 0 || error != Errno.ENOENT) return fd;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return FileDescriptors.TryCreateExclusive(FileDescriptors.CurrentDirectory, path, DefaultMode, out error);
    }

    /// <summary>unlink; false when there was nothing to remove (the file or its directory is missing).</summary>
    public static bool TryDelete(string path)
    {
        Span<byte> scratch = stackalloc byte[NativeText.ScratchSize];
        fixed (byte* p = NativeText.Terminate(path, scratch))
        {
            if (unlink(p) == 0) return true;
            var errno = LibC.errno;
            if (errno is Errno.ENOENT or Errno.ENOTDIR) return false;
            throw ToException(errno, "unlink", path);
        }
    }

    /// <summary>rename(2): replaces <paramref name="target"/> whole.</summary>
    public static void Rename(string source, string target)
    {
        Span<byte> sourceScratch = stackalloc byte[NativeText.ScratchSize];
        Span<byte> targetScratch = stackalloc byte[NativeText.ScratchSize];
        fixed (byte* s = NativeText.Terminate(source, sourceScratch))
        fixed (byte* t = NativeText.Terminate(target, targetScratch))
        {
            if (rename(s, t) != 0) throw ToException(Marshal.GetLastPInvokeError(), "rename", target);
        }
    }

    [DllImport(LibcLibrary.Name, SetLastError = true, EntryPoint = "rename")]
    private static extern int rename(byte* source, byte* target);

    /// <summary>What FileStream would throw for the errno: callers catch IOException and UnauthorizedAccessException.</summary>
    internal static Exception ToException(int errno, string operation, string path) => errno switch
    {
        Errno.EACCES or Errno.EPERM or Errno.EROFS => new UnauthorizedAccessException(LinuxError.ToException(errno, operation, path).Message),
        Errno.ENOENT => new FileNotFoundException(LinuxError.ToException(errno, operation, path).Message, path),
        _ => LinuxError.ToException(errno, operation, path),
    };
}
