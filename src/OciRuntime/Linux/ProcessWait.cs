using System.Runtime.InteropServices;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>How a child ended: an exit code, or the signal that killed it.</summary>
public readonly record struct ExitStatus(int Code, int Signal)
{
    public bool Signaled => Signal != 0;
    /// <summary>The shell convention: the exit code, or 128 + signal.</summary>
    public int ShellCode => Signaled ? 128 + Signal : Code;

    public static ExitStatus FromWaitStatus(int status) =>
        (status & 0x7f) == 0 ? new ExitStatus((status >> 8) & 0xff, 0) : new ExitStatus(0, status & 0x7f);
}

public static unsafe class ProcessWait
{
    private const int WNoHang = 1, EIntr = 4;

    /// <summary>Blocks until the child <paramref name="pid"/> ends, and reaps it.</summary>
    public static ExitStatus Wait(int pid)
    {
        int status;
        while (true)
        {
            var result = waitpid(pid, &status, 0);
            if (result == pid) return ExitStatus.FromWaitStatus(status);
            var errno = Marshal.GetLastPInvokeError();
            if (result < 0 && errno == EIntr) continue;
            throw new SystemCallException("waitpid", errno, pid.ToString());
        }
    }

    /// <summary>Reaps the child if it has ended; null while it runs.</summary>
    public static ExitStatus? TryWait(int pid)
    {
        int status;
        var result = waitpid(pid, &status, WNoHang);
        if (result == 0) return null;
        if (result == pid) return ExitStatus.FromWaitStatus(status);
        throw new SystemCallException("waitpid", Marshal.GetLastPInvokeError(), pid.ToString());
    }

    /// <summary>
    /// Whether the child <paramref name="pid"/> ends within <paramref name="timeout"/>, without reaping it (a pidfd
    /// polled for readability). False also where pidfd_open is missing (Linux before 5.3).
    /// </summary>
    public static bool EndsWithin(int pid, TimeSpan timeout)
    {
        var fd = (int)(long)(Tmds.Linux.ssize_t)Tmds.Linux.LibC.syscall(SysPidfdOpen, pid, 0);
        if (fd < 0) return false;
        try
        {
            Span<bool> ready = stackalloc bool[1];
            return Polling.WaitReadable([fd], ready, (int)timeout.TotalMilliseconds);
        }
        finally
        {
            FileDescriptors.Close(fd);
        }
    }

    // The same number on x86_64 and aarch64 (the generic table).
    private const int SysPidfdOpen = 434;

    [DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern int waitpid(int pid, int* status, int options);
}
