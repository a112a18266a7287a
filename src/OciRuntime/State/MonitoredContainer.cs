using System.Text.Json;
using System.Text.Json.Serialization;
using ContainerTools.OciRuntime.Cgroups;

namespace ContainerTools.OciRuntime.State;

/// <summary>
/// What the monitor reads of the engine's container.json (<see cref="ContainerPaths.DefinitionFile"/>): the same property
/// names as the engine's ContainerDefinition, the rest of the document ignored, so ctmon needs none of the engine's types.
/// </summary>
public sealed record MonitoredContainer
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("image")] public string Image { get; init; } = "";
    [JsonPropertyName("interactive")] public bool Interactive { get; init; }
    [JsonPropertyName("tty")] public bool Tty { get; init; }
    [JsonPropertyName("autoRemove")] public bool AutoRemove { get; init; }
    /// <summary>Only counted: a container on a user network leaves an attachment for the exit hook to tear down.</summary>
    [JsonPropertyName("connectedNetworks")] public IReadOnlyList<JsonElement> ConnectedNetworks { get; init; } = [];
}

/// <summary>What the monitor reads of the engine's state.json (<see cref="ContainerPaths.StateFile"/>), named as the engine's ContainerRuntimeState.</summary>
public sealed record MonitoredState
{
    [JsonPropertyName("status")] public ContainerStatus Status { get; init; } = ContainerStatus.Created;
    [JsonPropertyName("monitorPid")] public int MonitorPid { get; init; }
    [JsonPropertyName("cgroup")] public CgroupHandle? Cgroup { get; init; }
    /// <summary>Set by Stop (and Kill) before they signal: the monitor restarts no program a user stopped.</summary>
    [JsonPropertyName("stoppedByUser")] public bool StoppedByUser { get; init; }
}
