using System.Text.Json.Serialization;

namespace ContainerTools.Runtime.Containers.State;

/// <summary>A network a container joined with Connect besides the one it was created on (eth1, eth2...).</summary>
public sealed record NetworkConnection
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("aliases")] public IReadOnlyList<string> Aliases { get; init; } = [];
}
