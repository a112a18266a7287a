using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers;

/// <summary>A container as the engine reports it: its definition, its current state and where its files live.</summary>
public sealed record Container(ContainerDefinition Definition, ContainerRuntimeState State, ContainerPaths Paths)
{
    public string Id => Definition.Id;
    public string ShortId => Definition.Id.Substring(0, 12);
    public string Name => Definition.Name;
    public ContainerStatus Status => State.Status;
    /// <summary>
    /// Not None when <see cref="State"/> shows an exit that state.json does not record yet, and whose clean-up
    /// (network, or after a lost monitor also cgroup and mount) has not run: the next write operation, or ctcleanup, settles it.
    /// </summary>
    public PendingExit PendingExit { get; init; }
    /// <summary>Its restart policy's monitor waits out the back-off before starting the program again (Docker's "restarting").</summary>
    public bool Restarting { get; init; }
    /// <summary>
    /// A running container with a health check: its status (starting, healthy, unhealthy) and last five results
    /// (ctmon's health.json); null when it has no health check or does not run.
    /// </summary>
    public MonitorHealthRecord? Health { get; init; }
    public override string ToString() => $"{Name} ({ShortId}, {Status})";
}
