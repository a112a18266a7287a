using System.Runtime.InteropServices;
using Tmds.Linux;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// User, groups and hostname. The ids are the calling thread's only: the raw system calls, not glibc's wrappers, which
/// signal every other thread and wait for each to change too (a scheduling round trip per runtime thread and per call,
/// milliseconds on a busy host). For a process that execs right after, as ctinit does: execve keeps the calling
/// thread's credentials and ends the others, as it does with capset and the seccomp filter, which are per thread too.
/// </summary>
public static unsafe class Identity
{
    private static bool Arm64 => RuntimeInformation.ProcessArchitecture == Architecture.Arm64;
    private static int SysSetGroups => Arm64 ? 159 : 116;
    private static int SysSetGid => Arm64 ? 144 : 106;
    private static int SysSetUid => Arm64 ? 146 : 105;

    public static void SetGroups(IReadOnlyList<uint> groups)
    {
        var list = stackalloc uint[Math.Max(groups.Count, 1)];
        for (var i = 0; i < groups.Count; i++) list[i] = groups[i];
        SystemCallException.Check((long)(ssize_t)LibC.syscall(SysSetGroups, groups.Count, list), "setgroups");
    }

    public static void SetGroupId(uint gid) =>
        SystemCallException.Check((long)(ssize_t)LibC.syscall(SysSetGid, gid), "setgid", gid.ToString());

    public static void SetUserId(uint uid) =>
        SystemCallException.Check((long)(ssize_t)LibC.syscall(SysSetUid, uid), "setuid", uid.ToString());

    public static void SetHostname(string hostname)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(hostname);
        fixed (byte* p = bytes)
            SystemCallException.Check(LibC.sethostname(p, bytes.Length), "sethostname", hostname);
    }
}
