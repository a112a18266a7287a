using System.Runtime.InteropServices;
using Tmds.Linux;

namespace ContainerTools.Runtime.Linux;

public static unsafe class Signals
{
    public const int SigKill = 9, SigTerm = 15, SigPipe = 13;
    private const int MaxSignal = 64, SigSetMask = 2, SysRtSigaction = 13, KernelSigsetSize = 8;

    public static void Send(int pid, int signal) =>
        SystemCallException.Check(LibC.kill(pid, signal), "kill", pid.ToString());

    /// <summary>Every disposition to SIG_DFL and an empty mask: ignored signals and the mask survive execve, handlers do not.</summary>
    public static void ResetAllForExec()
    {
        var action = stackalloc byte[256]; // the kernel's struct sigaction is 32 bytes; all zero = SIG_DFL, no flags
        new Span<byte>(action, 256).Clear();
        for (var signal = 1; signal <= MaxSignal; signal++)
        {
            if (signal is SigKill or 19) continue; // SIGKILL, SIGSTOP cannot change
            // The raw system call: glibc's sigaction refuses its internal signals 32 and 33, which a parent may have ignored.
            LibC.syscall(SysRtSigaction, signal, action, 0, KernelSigsetSize);
        }
        var set = stackalloc byte[128];
        new Span<byte>(set, 128).Clear();
        SystemCallException.Check(sigprocmask_raw(SigSetMask, set, null), "sigprocmask");
    }

    [DllImport(LibcLibrary.Name, EntryPoint = "sigprocmask")]
    private static extern int sigprocmask_raw(int how, void* set, void* old);
}
