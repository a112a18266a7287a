using System.Runtime.InteropServices;

namespace ContainerTools.OciRuntime.Linux;

public static unsafe class ResourceLimits
{
    private static readonly string[] Names =
    [
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC",
        "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE",
        "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    ];

    /// <summary>setrlimit by runtime-spec name ("RLIMIT_NOFILE").</summary>
    public static void Set(string name, ulong soft, ulong hard)
    {
        var resource = Array.IndexOf(Names, name);
        if (resource < 0) throw new ArgumentException($"unknown rlimit \"{name}\"");
        var limit = stackalloc ulong[2] { soft, hard };
        if (setrlimit(resource, limit) != 0) throw new SystemCallException("setrlimit", Marshal.GetLastPInvokeError(), name);
    }

    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int setrlimit(int resource, ulong* limit);
}
