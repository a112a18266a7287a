using System.Runtime.InteropServices;
using System.Text;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// A pseudo-terminal pair: the master the monitor or exec caller reads, the slave a container process gets as its stdio.
/// Opened by ctinit inside the container (so the slave is in the container's devpts: /dev/pts/0), or by tests.
/// </summary>
public readonly record struct PseudoTerminal(int Master, int Slave, string SlavePath);

public static unsafe class PseudoTerminals
{
    private const int OpenReadWrite = 2, OpenNoControllingTty = 0x100, OpenCloseOnExec = 0x80000;
    private const ulong TiocSwinsz = 0x5414, TiocGwinsz = 0x5413, TiocGptPeer = 0x5441;

    /// <summary>
    /// posix_openpt (the /dev/ptmx of the caller's mount namespace), grantpt, unlockpt and the slave opened without
    /// becoming the caller's controlling terminal; both ends close-on-exec, window 80x24 like docker's.
    /// </summary>
    public static PseudoTerminal Open(ushort columns = 80, ushort rows = 24)
    {
        var master = posix_openpt(OpenReadWrite | OpenNoControllingTty | OpenCloseOnExec);
        if (master < 0) throw new SystemCallException("posix_openpt", Marshal.GetLastPInvokeError());
        try
        {
            if (grantpt(master) != 0) throw new SystemCallException("grantpt", Marshal.GetLastPInvokeError());
            if (unlockpt(master) != 0) throw new SystemCallException("unlockpt", Marshal.GetLastPInvokeError());
            var name = stackalloc byte[128];
            var error = ptsname_r(master, name, 128);
            if (error != 0) throw new SystemCallException("ptsname_r", error);
            var path = Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name));
            SetWindowSize(master, columns, rows);
            return new PseudoTerminal(master, OpenPeer(master, path), path);
        }
        catch
        {
            FileDescriptors.Close(master);
            throw;
        }
    }

    /// <summary>
    /// The slave of <paramref name="master"/>: TIOCGPTPEER opens it through the master itself (no path lookup another
    /// process could redirect, Linux 4.13+), falling back to the ptsname path on older kernels.
    /// </summary>
    private static int OpenPeer(int master, string path)
    {
        var slave = ioctl(master, TiocGptPeer, (nint)(OpenReadWrite | OpenNoControllingTty | OpenCloseOnExec));
        return slave >= 0 ? slave : FileDescriptors.Open(path, OpenReadWrite | OpenNoControllingTty);
    }

    /// <summary>The window size of the terminal on <paramref name="fd"/>; null when it is not a terminal.</summary>
    public static (ushort Columns, ushort Rows)? GetWindowSize(int fd)
    {
        var size = new WindowSize();
        if (ioctl(fd, TiocGwinsz, &size) != 0) return null;
        return (size.Columns, size.Rows);
    }

    /// <summary>fchown(slave, uid, -1): the group stays devpts' (tty).</summary>
    public static void SetOwner(int slave, uint uid)
    {
        if (fchown(slave, uid, uint.MaxValue) != 0) throw new SystemCallException("fchown(pty)", Marshal.GetLastPInvokeError());
    }

    public static void SetWindowSize(int fd, ushort columns, ushort rows)
    {
        var size = new WindowSize { Rows = rows, Columns = columns };
        if (ioctl(fd, TiocSwinsz, &size) != 0) throw new SystemCallException("ioctl(TIOCSWINSZ)", Marshal.GetLastPInvokeError());
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct WindowSize
    {
        public ushort Rows, Columns, XPixels, YPixels;
    }

    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int posix_openpt(int flags);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int grantpt(int fd);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int fchown(int fd, uint uid, uint gid);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int unlockpt(int fd);
    [DllImport(LibcLibrary.Name)] private static extern int ptsname_r(int fd, byte* buffer, nint length);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int ioctl(int fd, ulong request, WindowSize* size);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int ioctl(int fd, ulong request, nint argument);
}
