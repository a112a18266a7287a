using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Events;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers;

public sealed partial class ContainerStore
{
    /// <summary>Freezes every process of a running container (cgroup freezer).</summary>
    public Container Pause(string idOrName)
    {
        using var handle = Open(Resolve(idOrName).Id);
        var container = handle.Container;
        if (container.Status == ContainerStatus.Paused) return container;
        RunningCgroup(container).Freeze();
        Events.Append(ContainerEventFactory.For(container, ContainerEventActions.Pause));
        return handle.Save(container.State with { Status = ContainerStatus.Paused });
    }

    public Container Resume(string idOrName)
    {
        using var handle = Open(Resolve(idOrName).Id);
        var container = handle.Container;
        ContainerTransitions.RequirePaused(container);
        RunningCgroup(container).Thaw();
        Events.Append(ContainerEventFactory.For(container, ContainerEventActions.Unpause));
        return handle.Save(container.State with { Status = ContainerStatus.Running });
    }

    private static Cgroup RunningCgroup(Container container)
    {
        ContainerTransitions.RequireActive(container);
        return container.State.Cgroup is { } cgroup ? Cgroup.Open(cgroup)
            : throw new ContainerToolsException(ErrorIds.ContainerNotRunning, $"The container '{container.Name}' is not running.", container.Name);
    }
}
