using System.Runtime.InteropServices;
using System.Text;

namespace ContainerTools.Runtime.Linux;

/// <summary>A pseudo-terminal pair: the master the monitor reads, the slave a container gets as its stdio.</summary>
public readonly record struct PseudoTerminal(int Master, int Slave, string SlavePath);

public static unsafe class PseudoTerminals
{
    private const int OpenReadWrite = 2, OpenNoControllingTty = 0x100, OpenCloseOnExec = 0x80000;
    private const ulong TiocSwinsz = 0x5414;

    /// <summary>
    /// posix_openpt, grantpt, unlockpt and the slave opened without becoming the caller's controlling terminal;
    /// both ends close-on-exec (the launcher dups the slave onto the container's stdio), window 80x24 like docker's.
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
            var slave = FileDescriptors.Open(path, OpenReadWrite | OpenNoControllingTty);
            return new PseudoTerminal(master, slave, path);
        }
        catch
        {
            FileDescriptors.Close(master);
            throw;
        }
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
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int unlockpt(int fd);
    [DllImport(LibcLibrary.Name)] private static extern int ptsname_r(int fd, byte* buffer, nint length);
    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int ioctl(int fd, ulong request, WindowSize* size);
}
