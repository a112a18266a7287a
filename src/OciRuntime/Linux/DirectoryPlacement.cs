using System.Runtime.InteropServices;
using static Tmds.Linux.LibC;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// The ext2/3/4 "top directory" flag (chattr +T, FS_TOPDIR_FL): directories created inside one are spread over the
/// file system's block groups by the Orlov allocator, as top-level directories are, instead of being packed next to
/// their parent. Other file systems refuse or ignore the flag.
/// </summary>
internal static unsafe class DirectoryPlacement
{
    private const ulong GetFlags = 0x80086601; // FS_IOC_GETFLAGS
    private const ulong SetFlags = 0x40086602; // FS_IOC_SETFLAGS
    private const int TopDirectory = 0x00020000; // FS_TOPDIR_FL

    /// <summary>Marks <paramref name="path"/> as a top directory; false where the file system does not take the flag.</summary>
    public static bool TryMarkTopDirectory(string path)
    {
        var fd = FileDescriptors.TryOpen(FileDescriptors.CurrentDirectory, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, out _);
        if (fd < 0)
        {
            return false;
        }
        try
        {
            int flags;
            if (ioctl(fd, GetFlags, &flags) != 0)
            {
                return false;
            }
            if ((flags & TopDirectory) != 0)
            {
                return true;
            }
            flags |= TopDirectory;
            return ioctl(fd, SetFlags, &flags) == 0;
        }
        finally
        {
            FileDescriptors.Close(fd);
        }
    }

    [DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern int ioctl(int fd, ulong request, int* argument);
}
