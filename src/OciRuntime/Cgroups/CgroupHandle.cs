using System.Text.Json.Serialization;

namespace ContainerTools.OciRuntime.Cgroups;

/// <summary>
/// Everything needed to find a container's cgroup again from another process (the monitor, a later session):
/// its directory per controller (v2: one entry with key "") and the parent directories its creation made.
/// </summary>
public sealed record CgroupHandle
{
    [JsonPropertyName("version")] public CgroupVersion Version { get; init; }
    [JsonPropertyName("directories")] public Dictionary<string, string> Directories { get; init; } = new();
    /// <summary>Parents this cgroup's creation made (deepest last); removed on delete when nothing else uses them.</summary>
    [JsonPropertyName("createdParents")] public List<string> CreatedParents { get; init; } = new();
}
