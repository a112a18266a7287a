using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers;

/// <summary>What Restore did for one container: started it, or why it could not.</summary>
public sealed record RestoredContainer(Container Container, ContainerToolsException? Error);

public sealed partial class ContainerStore
{
    /// <summary>
    /// After a reboot or a crash (podman-restart.service's job; module/systemd/containertools-restart.service runs it at
    /// boot): every container is settled as a write operation settles it, which repairs what the reboot left (a monitor
    /// gone: its cgroup, root mount, network attachment with its host rules and netns mount released, the exit
    /// recorded); then every container whose restart policy says it runs at boot (always, and unless-stopped that no
    /// user stopped) and that had been started is started again. Containers that run already are left alone.
    /// </summary>
    public IReadOnlyList<RestoredContainer> Restore()
    {
        var results = new List<RestoredContainer>();
        foreach (var definition in ReadAllDefinitions().ToList())
        {
            Container settled;
            try
            {
                using var handle = TryOpen(definition.Id);
                if (handle is null) continue;
                settled = handle.Container;
            }
            catch (ContainerToolsException ex)
            {
                if (TryGet(definition.Id) is not { } unsettled) throw;
                results.Add(new RestoredContainer(unsettled, ex));
                continue;
            }
            if (ContainerTransitions.IsActive(settled.Status) || settled.State.StartedAt is null) continue;
            if (!settled.Definition.RestartPolicy.RunsAtBoot(settled.State.StoppedByUser)) continue;
            try
            {
                results.Add(new RestoredContainer(Start(settled.Id), null));
            }
            catch (ContainerToolsException ex)
            {
                results.Add(new RestoredContainer(settled, ex));
            }
        }
        return results;
    }
}
