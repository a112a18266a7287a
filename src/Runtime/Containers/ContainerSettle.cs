using ContainerTools.OciRuntime.Events;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Monitor;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers;

public sealed partial class ContainerStore
{
    /// <summary>
    /// With the container's lock held: records an exit that state.json does not record yet and releases what the run
    /// still holds. After ctmon's exit record that is the network (CNI DEL, leases, port rules, peers' hosts entries,
    /// the netns mount); after a lost monitor also its processes, cgroup and root mount, and its "die" event, which the
    /// monitor could not write. Runs once per exit: in ctcleanup, or in the first write operation that sees the exit.
    /// </summary>
    internal Container Settle(Container observed, bool removing = false)
    {
        var state = observed.State;
        if (observed.PendingExit == PendingExit.LostMonitor)
        {
            ContainerCleanup.Run(observed.Paths, state.Cgroup);
            state = state with
            {
                Cgroup = null,
                Error = $"The monitor (pid {observed.State.MonitorPid}) ended without recording the container's exit; its processes were killed.",
            };
            Events.Append(ContainerEventFactory.For(observed, ContainerEventActions.Die,
                new Dictionary<string, string> { ["exitCode"] = ContainerTransitions.LostMonitorExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        }
        var releaseNetwork = !ContainerTransitions.IsActive(state.Status) && HoldsNetwork(observed);
        if (releaseNetwork) state = ReleaseNetwork(observed, state);
        if (observed.PendingExit == PendingExit.None && !releaseNetwork) return observed;
        // About to be deleted: recording the exit would be a write (and an fsync) for nobody.
        if (removing && !ContainerTransitions.IsActive(state.Status)) return observed with { State = state, PendingExit = PendingExit.None };
        return SaveState(observed, state);
    }

    /// <summary>
    /// What ctcleanup does once a container's program has exited (ctmon runs it after writing exit.json): settles the
    /// exit and removes an AutoRemove container. Nothing when the container is gone, runs again, or was settled already.
    /// </summary>
    public void CleanupAfterExit(string id)
    {
        var removed = false;
        using (var handle = TryOpen(id, removes: c => c.Definition.AutoRemove))
        {
            if (handle is null) return;
            if (handle.Container is { Definition.AutoRemove: true, Status: ContainerStatus.Exited })
            {
                RemoveSettled(handle.Container);
                removed = true;
            }
        }
        if (removed) File.Delete(ContainerLockPath(id));
    }

    /// <summary>The network namespace mount, or endpoint records of the networks joined with Connect.</summary>
    private bool HoldsNetwork(Container container) =>
        File.Exists(container.Paths.NetnsFile)
        || (container.Definition.ConnectedNetworks.Count > 0 && Networks.EndpointsOf(container.Id).Count > 0);

    /// <summary>
    /// Once the container no longer runs. A plugin's failure does not fail the operation: it is recorded as the
    /// container's error, and Remove tries the detach again.
    /// </summary>
    private ContainerRuntimeState ReleaseNetwork(Container container, ContainerRuntimeState state)
    {
        try
        {
            DisconnectNetwork(container);
            return state with { Ports = [] };
        }
        catch (ContainerToolsException ex)
        {
            return state with { Ports = [], Error = $"Detaching the container's network failed: {ex.Message}" };
        }
    }
}
