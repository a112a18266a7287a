namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// Kernel parameters the kernel keeps per namespace, and so the only ones a container may set (Docker's and runc's
/// list): IPC's kernel.msg*, kernel.sem, kernel.shm* and fs.mqueue.*, and the network namespace's net.*. Any other
/// /proc/sys write would change the host.
/// </summary>
public static class NamespacedSysctls
{
    private static readonly string[] Ipc =
        ["kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"];

    /// <summary>The namespace type ("ipc", "network") whose own copy <paramref name="name"/> is; null when it is the host's.</summary>
    public static string? NamespaceOf(string name) =>
        Ipc.Contains(name) || name.StartsWith("fs.mqueue.", StringComparison.Ordinal) ? "ipc"
        : name.StartsWith("net.", StringComparison.Ordinal) ? "network"
        : null;
}
