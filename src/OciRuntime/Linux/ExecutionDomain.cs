using System.Runtime.InteropServices;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>personality(2): the execution domain a program runs in (linux.personality: LINUX or LINUX32).</summary>
public static class ExecutionDomain
{
    public const ulong Linux = 0x0000, Linux32 = 0x0008;

    /// <summary>The domain for a runtime-spec name; null when the name is unknown.</summary>
    public static ulong? FromSpecName(string domain) => domain switch
    {
        "LINUX" => Linux,
        "LINUX32" => Linux32,
        _ => null,
    };

    /// <summary>Sets the calling process's domain; it survives execve (uname -m then says i686 under LINUX32).</summary>
    public static void Set(ulong persona)
    {
        if (personality(persona) == -1) throw new SystemCallException("personality", Marshal.GetLastPInvokeError(), $"0x{persona:x}");
    }

    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int personality(ulong persona);
}
