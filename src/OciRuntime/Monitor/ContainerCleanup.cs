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
        if (cgroupHandle is not null)
        {
            var cgroup = Cgroup.Open(cgroupHandle);
            // Usually empty: the processes died with the container's PID 1.
            if (!cgroup.TryDeleteEmpty() && cgroup.Exists)
            {
                cgroup.KillAll();
                cgroup.Delete();
            }
        }
        OverlayMount.Unmount(paths.MergedDirectory);
    }
}
