using System.Runtime.InteropServices;
using Tmds.Linux;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// openat2(2) (Linux 5.6+), called through syscall(): glibc has no wrapper, and Tmds.LibC's openat2 reports a wrong
/// errno on its first call.
/// </summary>
internal static unsafe class Openat2
{
    private const long SyscallNumber = 437; // the same on every architecture (asm-generic table)

    /// <summary>Treat the directory fd as "/" for absolute symlinks and "..": nothing resolves above it.</summary>
    public const ulong ResolveInRoot = 0x10;

    /// <summary>Refuse /proc/self/fd-style links, which jump to wherever their target is.</summary>
    public const ulong ResolveNoMagicLinks = 0x02;

    [DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern long syscall(long number, int dirFd, byte* path, open_how* how, nuint size);

    /// <summary>The new fd, or -1 with <paramref name="error"/> set (ENOSYS when the kernel has no openat2).</summary>
    public static int TryOpen(int dirFd, ReadOnlySpan<char> path, int flags, ulong resolve, out int error)
    {
        Span<byte> scratch = stackalloc byte[NativeText.ScratchSize];
        var how = new open_how { flags = (ulong)(uint)flags, mode = 0, resolve = resolve };
        fixed (byte* p = NativeText.Terminate(path, scratch))
        {
            long fd;
            do
            {
                fd = syscall(SyscallNumber, dirFd, p, &how, (nuint)sizeof(open_how));
                error = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
            }
            while (fd < 0 && error == LibC.EINTR);
            return (int)fd;
        }
    }
}
