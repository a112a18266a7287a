using ContainerTools.Runtime.Cgroups;
using ContainerTools.Runtime.Containers.Events;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.Runtime.Errors;

namespace ContainerTools.Runtime.Containers;

public sealed partial class ContainerStore
{
    /// <summary>Freezes every process of a running container (cgroup freezer).</summary>
    public Container Pause(string idOrName)
    {
        var id = Resolve(idOrName).Id;
        return WithLock(id, container =>
        {
            if (container.Status == ContainerStatus.Paused) return container;
            var cgroup = RunningCgroup(container);
            cgroup.Freeze();
            Events.Append(ContainerEvent.For(container, ContainerEventActions.Pause));
            return SaveState(container, container.State with { Status = ContainerStatus.Paused });
        });
    }

    public Container Resume(string idOrName)
    {
        var id = Resolve(idOrName).Id;
        return WithLock(id, container =>
        {
            if (container.Status != ContainerStatus.Paused)
            {
                throw new ContainerToolsException(ErrorKind.InvalidOperation, "ContainerNotPaused", $"The container '{container.Name}' is not paused.", container.Name);
            }
            RunningCgroup(container).Thaw();
            Events.Append(ContainerEvent.For(container, ContainerEventActions.Unpause));
            return SaveState(container, container.State with { Status = ContainerStatus.Running });
        });
    }

    private static Cgroup RunningCgroup(Container container)
    {
        if (container.Status is not (ContainerStatus.Running or ContainerStatus.Paused) || container.State.Cgroup is null)
        {
            throw new ContainerToolsException(ErrorKind.InvalidOperation, "ContainerNotRunning", $"The container '{container.Name}' is not running.", container.Name);
        }
        return Cgroup.Open(container.State.Cgroup);
    }
}
