using System.Runtime.InteropServices;
using Tmds.Linux;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>Turns a failed system call into an exception that carries the kernel's own words for errno.</summary>
internal static class LinuxError
{
    public static int LastErrno => LibC.errno;

    public static IOException ToException(int errno, string operation, string? path) =>
        new($"{operation}{(path is null ? "" : $" '{path}'")}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);

    public static IOException Last(string operation, string? path) => ToException(LastErrno, operation, path);
}
