using ContainerTools.Runtime.Containers.State;

namespace ContainerTools.Runtime.Containers;

/// <summary>A container as the engine reports it: its definition, its current state and where its files live.</summary>
public sealed record Container(ContainerDefinition Definition, ContainerRuntimeState State, ContainerPaths Paths)
{
    public string Id => Definition.Id;
    public string ShortId => Definition.Id.Substring(0, 12);
    public string Name => Definition.Name;
    public ContainerStatus Status => State.Status;
    public override string ToString() => $"{Name} ({ShortId}, {Status})";
}
