namespace ContainerTools.OciRuntime.Linux;

/// <summary>prctl switches of the calling thread that matter right before execve.</summary>
public static class ProcessControl
{
    private const int PrSetNoNewPrivs = 38, PrSetDumpable = 4;

    /// <summary>No execve can ever grant privileges again (setuid bits, file capabilities); inherited by all children.</summary>
    public static void SetNoNewPrivileges() =>
        SystemCallException.Check(Capabilities.prctl(PrSetNoNewPrivs, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)");

    /// <summary>A non-dumpable process's /proc/PID files belong to root and cannot be ptraced by others; execve resets it.</summary>
    public static void SetDumpable(bool dumpable) =>
        SystemCallException.Check(Capabilities.prctl(PrSetDumpable, dumpable ? 1UL : 0, 0, 0, 0), "prctl(PR_SET_DUMPABLE)");
}
