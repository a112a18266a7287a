using System.Runtime.InteropServices;
using Tmds.Linux;

namespace ContainerTools.OciRuntime.Linux;

public static unsafe class Signals
{
    public const int SigKill = 9, SigTerm = 15, SigPipe = 13;
    private const int SigStop = 19, MaxSignal = 64, SigSetMask = 2, SysRtSigaction = 13, KernelSigsetSize = 8;
    private const ulong SigIgn = 1;

    public static void Send(int pid, int signal) =>
        SystemCallException.Check(LibC.kill(pid, signal), "kill", pid.ToString());

    /// <summary>
    /// What execve does not reset, reset: ignored signals back to SIG_DFL (.NET ignores SIGPIPE) and an empty mask.
    /// Signals with a handler are left alone: execve resets those itself, and until then the runtime needs them
    /// (NativeAOT suspends threads for a GC with a real-time signal whose default action would kill the process).
    /// </summary>
    public static void ResetForExec()
    {
        var current = stackalloc ulong[4]; // the kernel's struct sigaction: handler, flags, restorer, mask
        var defaults = stackalloc ulong[4] { 0, 0, 0, 0 }; // SIG_DFL, no flags, empty mask
        for (var signal = 1; signal <= MaxSignal; signal++)
        {
            if (signal is SigKill or SigStop) continue;
            // The raw system call: glibc's sigaction refuses its internal signals 32 and 33, which a parent may have ignored.
            if ((long)(ssize_t)LibC.syscall(SysRtSigaction, signal, (void*)null, current, KernelSigsetSize) != 0) continue;
            if (current[0] == SigIgn) LibC.syscall(SysRtSigaction, signal, defaults, (void*)null, KernelSigsetSize);
        }
        var set = stackalloc byte[128];
        new Span<byte>(set, 128).Clear();
        SystemCallException.Check(sigprocmask_raw(SigSetMask, set, null), "sigprocmask");
    }

    [DllImport(LibcLibrary.Name, EntryPoint = "sigprocmask")]
    private static extern int sigprocmask_raw(int how, void* set, void* old);
}
