using System.Runtime.InteropServices;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>A failed system call with its errno; callers above this layer turn it into a ContainerToolsException.</summary>
public sealed class SystemCallException : Exception
{
    public SystemCallException(string call, int errno, string? subject = null)
        : base(subject is null ? $"{call}: {Describe(errno)}" : $"{call} {subject}: {Describe(errno)}")
    {
        Call = call;
        Errno = errno;
        Subject = subject;
    }

    public string Call { get; }
    public int Errno { get; }
    public string? Subject { get; }

    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    internal static int Check(int result, string call, string? subject = null)
    {
        if (result < 0) throw new SystemCallException(call, Tmds.Linux.LibC.errno, subject);
        return result;
    }

    internal static long Check(long result, string call, string? subject = null)
    {
        if (result < 0) throw new SystemCallException(call, Tmds.Linux.LibC.errno, subject);
        return result;
    }
}
