using Tmds.Linux;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>Signals to processes that may already be gone.</summary>
public static class ProcessSignals
{
    public const int SIGKILL = 9;
    public const int SIGINT = 2;
    public const int SIGTERM = 15;

    /// <summary>Sends a signal; false when the process no longer exists.</summary>
    public static bool TrySend(int pid, int signal)
    {
        if (LibC.kill(pid, signal) == 0) return true;
        var errno = LibC.errno;
        if (errno == Errno.ESRCH) return false;
        throw new SystemCallException("kill", errno, $"{pid} (signal {signal})");
    }
}
