using System.Text.Json.Serialization;

namespace ContainerTools.Runtime.Archives;

/// <summary>One entry of a docker-archive's manifest.json, as docker save and podman save write it.</summary>
public sealed record DockerArchiveManifest
{
    [JsonPropertyName("Config")] public string Config { get; init; } = "";
    [JsonPropertyName("RepoTags")] public IReadOnlyList<string>? RepoTags { get; init; }
    [JsonPropertyName("Layers")] public IReadOnlyList<string> Layers { get; init; } = [];
}
