using System.Runtime.InteropServices;
using Tmds.Linux;

namespace ContainerTools.OciRuntime.Linux;

public static unsafe class DeviceNodes
{
    private const uint CharDevice = 0x2000, BlockDevice = 0x6000, Fifo = 0x1000;

    /// <summary>mknod for type c (or u), b or p, then owner and mode exactly as given (mknod applies the umask).</summary>
    public static void Create(string path, char type, long major, long minor, uint mode, uint uid, uint gid)
    {
        var kind = type switch
        {
            'c' or 'u' => CharDevice,
            'b' => BlockDevice,
            'p' => Fifo,
            _ => throw new ArgumentException($"unknown device type '{type}' for {path}"),
        };
        var bytes = FileDescriptors.Zero(path);
        fixed (byte* p = bytes)
        {
            SystemCallException.Check(LibC.mknod(p, (ushort)(kind | (mode & 0xfff)), MakeDev(major, minor)), "mknod", path);
            SystemCallException.Check(chown(p, uid, gid), "chown", path);
            SystemCallException.Check(chmod(p, mode & 0xfff), "chmod", path);
        }
    }

    public static ulong MakeDev(long major, long minor)
    {
        var ma = (ulong)major;
        var mi = (ulong)minor;
        return ((ma & 0xfffff000UL) << 32) | ((ma & 0xfffUL) << 8) | ((mi & 0xffffff00UL) << 12) | (mi & 0xffUL);
    }

    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int chown(byte* path, uint uid, uint gid);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int chmod(byte* path, uint mode);
}
