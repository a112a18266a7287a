using System.Text.Json;
using System.Text.Json.Serialization;

namespace ContainerTools.Runtime.Oci;

/// <summary>image-spec image configuration: the JSON whose digest is the image id.</summary>
public sealed record ImageConfig
{
    [JsonPropertyName("created")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateTimeOffset? Created { get; init; }
    [JsonPropertyName("author")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Author { get; init; }
    [JsonPropertyName("architecture")] public string Architecture { get; init; } = "amd64";
    [JsonPropertyName("os")] public string Os { get; init; } = "linux";
    [JsonPropertyName("variant")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Variant { get; init; }
    [JsonPropertyName("config")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ContainerConfig? Config { get; init; }
    [JsonPropertyName("rootfs")] public RootFs RootFs { get; init; } = new();
    [JsonPropertyName("history")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<HistoryEntry>? History { get; init; }
}

/// <summary>The execution parameters an image suggests for its containers.</summary>
public sealed record ContainerConfig
{
    [JsonPropertyName("User")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? User { get; init; }
    [JsonPropertyName("ExposedPorts")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyDictionary<string, JsonElement>? ExposedPorts { get; init; }
    [JsonPropertyName("Env")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Env { get; init; }
    [JsonPropertyName("Entrypoint")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Entrypoint { get; init; }
    [JsonPropertyName("Cmd")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Cmd { get; init; }
    [JsonPropertyName("Volumes")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyDictionary<string, JsonElement>? Volumes { get; init; }
    [JsonPropertyName("WorkingDir")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? WorkingDir { get; init; }
    [JsonPropertyName("Labels")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyDictionary<string, string>? Labels { get; init; }
    [JsonPropertyName("StopSignal")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? StopSignal { get; init; }
    [JsonPropertyName("Healthcheck")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public HealthcheckConfig? Healthcheck { get; init; }
    [JsonPropertyName("OnBuild")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? OnBuild { get; init; }
    [JsonPropertyName("Shell")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Shell { get; init; }
}

/// <summary>Docker's HEALTHCHECK in an image config; durations in nanoseconds, zero meaning "inherit".</summary>
public sealed record HealthcheckConfig
{
    [JsonPropertyName("Test")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Test { get; init; }
    [JsonPropertyName("Interval")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long Interval { get; init; }
    [JsonPropertyName("Timeout")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long Timeout { get; init; }
    [JsonPropertyName("StartPeriod")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long StartPeriod { get; init; }
    [JsonPropertyName("StartInterval")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long StartInterval { get; init; }
    [JsonPropertyName("Retries")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int Retries { get; init; }
}

public sealed record RootFs
{
    [JsonPropertyName("type")] public string Type { get; init; } = "layers";
    [JsonPropertyName("diff_ids")] public IReadOnlyList<string> DiffIds { get; init; } = [];
}

public sealed record HistoryEntry
{
    [JsonPropertyName("created")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateTimeOffset? Created { get; init; }
    [JsonPropertyName("created_by")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? CreatedBy { get; init; }
    [JsonPropertyName("comment")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Comment { get; init; }
    [JsonPropertyName("empty_layer")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool EmptyLayer { get; init; }
}
