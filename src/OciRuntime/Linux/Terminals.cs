using System.Runtime.InteropServices;

namespace ContainerTools.OciRuntime.Linux;

public static class Terminals
{
    private const ulong TiocSctty = 0x540E;

    /// <summary>Makes the terminal on <paramref name="fd"/> the controlling terminal of the calling session leader.</summary>
    public static void MakeControlling(int fd)
    {
        if (ioctl(fd, TiocSctty, 0) != 0) throw new SystemCallException("ioctl(TIOCSCTTY)", Marshal.GetLastPInvokeError());
    }

    [DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern int ioctl(int fd, ulong request, ulong argument);
}
