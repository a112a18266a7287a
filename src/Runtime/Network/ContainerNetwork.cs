using System.Text.Json.Serialization;

namespace ContainerTools.Runtime.Network;

/// <summary>A user-visible network: one Linux bridge, one IPv4 subnet, one CNI conflist (networks/NAME.json).</summary>
public sealed record ContainerNetwork
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("subnet")] public required string Subnet { get; init; }
    [JsonPropertyName("gateway")] public required string Gateway { get; init; }
    /// <summary>The Linux bridge's name: ct- and 12 hex digits of <see cref="Id"/>, inside IFNAMSIZ (15).</summary>
    [JsonPropertyName("bridge")] public required string Bridge { get; init; }
    /// <summary>No gateway route and no masquerading: containers reach each other and nothing else.</summary>
    [JsonPropertyName("internal")] public bool Internal { get; init; }
    [JsonPropertyName("created")] public DateTimeOffset Created { get; init; }
    /// <summary>Docker's network labels (docker network create --label, Compose's project labels); null when none, so records without labels stay equal by value.</summary>
    [JsonPropertyName("labels")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Docker's name for the network containers join when they name none.</summary>
    public const string DefaultName = "bridge";

    /// <summary>Peers resolve each other by name only on user-defined networks, as with Docker.</summary>
    [JsonIgnore] public bool IsDefault => Name == DefaultName;
}
