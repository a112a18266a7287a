using System.Runtime.InteropServices;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Monitor;

/// <summary>
/// Native/trim_and_wait.c, compiled at build time and linked into ctmon (ContainerTools.Monitor.csproj): drops the
/// code pages and waits for the container's init without touching them again (WorkingSet.TrimCodeAndWait).
/// </summary>
internal static unsafe class TrimAndWaitStage
{
    public static ExitStatus TrimCodeAndWait(int pid) => WorkingSet.TrimCodeAndWait(pid, &Run);

    /// <summary>Bound at link time (DirectPInvoke): the call goes straight to the function, no dlopen/dlsym.</summary>
    [DllImport("trim_and_wait", EntryPoint = "ct_trim_and_wait")]
    private static extern nint Run(nuint* ranges, int pid, int* status);
}
