using Tmds.Linux;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>mkdir and rmdir that report errno instead of throwing: cgroupfs answers with EEXIST/EBUSY that callers act on.</summary>
public static unsafe class Directories
{
    /// <summary>0 on success, else errno.</summary>
    public static int TryMake(string path, uint mode = 0x1ed /* 0755 */)
    {
        fixed (byte* p = FileDescriptors.Zero(path))
        {
            return LibC.mkdir(p, (ushort)mode) == 0 ? 0 : LibC.errno;
        }
    }

    /// <summary>
    /// A directory at <paramref name="path"/>, as Directory.CreateDirectory makes it (rwxrwxrwx less the umask), for one
    /// mkdir when its parent exists: missing parents are made only when the mkdir reports them.
    /// </summary>
    public static void Make(string path)
    {
        var errno = TryMake(path, 0x1ff);
        if (errno is 0 or Errno.EEXIST) return;
        if (errno == Errno.ENOENT)
        {
            Directory.CreateDirectory(path);
            return;
        }
        throw WholeFiles.ToException(errno, "mkdir", path);
    }

    /// <summary>The directory, empty: a missing or empty one costs an rmdir and a mkdir, one with content is deleted whole first.</summary>
    public static void MakeEmpty(string path)
    {
        var errno = TryRemove(path);
        if (errno is not (0 or Errno.ENOENT)) Directory.Delete(path, recursive: true);
        Make(path);
    }

    /// <summary>0 on success, else errno.</summary>
    public static int TryRemove(string path)
    {
        fixed (byte* p = FileDescriptors.Zero(path))
        {
            return LibC.rmdir(p) == 0 ? 0 : LibC.errno;
        }
    }
}
