using System.Runtime.InteropServices;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>Named pipes: ctrun's start gate (runc's exec.fifo), which outlives the process that made it.</summary>
public static unsafe class Fifos
{
    private const int ReadWrite = 2, NonBlocking = 0x800;
    private const int ENXIO = 6;

    public static void Make(string path, uint mode = 0x180 /* 0600 */)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
            if (mkfifo(p, mode) != 0) throw new SystemCallException("mkfifo", Marshal.GetLastPInvokeError(), path);
    }

    /// <summary>Read-write: opening never blocks, and the holder counts as a reader, so writers can open it too.</summary>
    public static int OpenReadWrite(string path) => FileDescriptors.Open(path, ReadWrite);

    /// <summary>Opens for writing without blocking; null when nobody holds it for reading (ENXIO) or it is gone.</summary>
    public static int? TryOpenWriter(string path)
    {
        try { return FileDescriptors.Open(path, FileDescriptors.WriteOnly | NonBlocking); }
        catch (SystemCallException ex) when (ex.Errno is ENXIO or Errno.ENOENT) { return null; }
    }

    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int mkfifo(byte* path, uint mode);
}
