using System.Text.Json.Serialization;

namespace ContainerTools.Runtime.Volumes;

/// <summary>A named volume (volumes/NAME/volume.json): a directory, volumes/NAME/_data, that outlives containers.</summary>
public sealed record Volume
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("driver")] public string Driver { get; init; } = "local";
    /// <summary>The host directory that containers see at their mount point.</summary>
    [JsonPropertyName("mountpoint")] public required string Mountpoint { get; init; }
    /// <summary>Created without a name (-Volume /data): named by a random id, like Docker's anonymous volumes.</summary>
    [JsonPropertyName("anonymous")] public bool Anonymous { get; init; }
    [JsonPropertyName("created")] public DateTimeOffset Created { get; init; }
    /// <summary>Docker's volume labels (docker volume create --label, Compose's project labels); null when none, so records without labels stay equal by value.</summary>
    [JsonPropertyName("labels")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyDictionary<string, string>? Labels { get; init; }
}
