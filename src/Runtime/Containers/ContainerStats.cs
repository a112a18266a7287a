using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers;

public sealed partial class ContainerStore
{
    /// <summary>The running container's resource use from its cgroup (memory, CPU time, pids).</summary>
    public CgroupStats Stats(string idOrName)
    {
        var container = Resolve(idOrName);
        if (container.Status is not (ContainerStatus.Running or ContainerStatus.Paused) || container.State.Cgroup is null)
        {
            throw new ContainerToolsException(ErrorIds.ContainerNotRunning, $"The container '{container.Name}' is not running.", container.Name);
        }
        return Cgroup.Open(container.State.Cgroup).ReadStats();
    }
}
