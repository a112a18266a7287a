using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.State;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.OciRuntime.Monitor;

/// <summary>
/// Releases what a started container holds on the host: its processes and cgroup, and its root filesystem mount.
/// Idempotent, and shared by the monitor (normal exit) and the engine (lost monitor, forced remove).
/// </summary>
public static class ContainerCleanup
{
    public static void Run(ContainerPaths paths, CgroupHandle? cgroupHandle)
    {
        RemoveCgroup(cgroupHandle);
        OverlayMount.Unmount(paths.MergedDirectory);
    }

    /// <summary>
    /// rmdir first (the kernel refuses it with EBUSY while a process is left, so an exit whose processes died with
    /// the container's PID 1 reads no procs file); only then are the rest killed and the cgroup removed.
    /// </summary>
    public static void RemoveCgroup(CgroupHandle? cgroupHandle)
    {
        if (cgroupHandle is null) return;
        var cgroup = Cgroup.Open(cgroupHandle);
        if (!cgroup.TryDeleteEmpty() && cgroup.Exists)
        {
            cgroup.KillAll();
            cgroup.Delete();
        }
    }
}
