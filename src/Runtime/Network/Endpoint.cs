using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ContainerTools.Runtime.Network;

/// <summary>
/// One container attached to one network (networks/NAME/endpoints/CONTAINERID.json): what the container got,
/// what name resolution needs, and the CNI result that DEL and CHECK must receive back.
/// </summary>
public sealed record Endpoint
{
    [JsonPropertyName("containerId")] public required string ContainerId { get; init; }
    [JsonPropertyName("containerName")] public required string ContainerName { get; init; }
    [JsonPropertyName("hostname")] public string? Hostname { get; init; }
    [JsonPropertyName("aliases")] public IReadOnlyList<string> Aliases { get; init; } = [];
    [JsonPropertyName("network")] public required string Network { get; init; }
    [JsonPropertyName("interface")] public required string InterfaceName { get; init; }
    [JsonPropertyName("netns")] public required string NetnsPath { get; init; }
    /// <summary>The container's address without its prefix length, e.g. 10.89.0.2.</summary>
    [JsonPropertyName("ip")] public required string IpAddress { get; init; }
    [JsonPropertyName("prefixLength")] public int PrefixLength { get; init; }
    [JsonPropertyName("gateway")] public string? Gateway { get; init; }
    [JsonPropertyName("mac")] public string? MacAddress { get; init; }
    [JsonPropertyName("ports")] public IReadOnlyList<PortMapping> PortMappings { get; init; } = [];
    /// <summary>The file the container sees as /etc/hosts; rewritten whenever a peer joins or leaves.</summary>
    [JsonPropertyName("hostsFile")] public string? HostsFilePath { get; init; }
    /// <summary>Written before CNI ADD and replaced after it: a pending record outliving its writer marks a crashed attach.</summary>
    [JsonPropertyName("pending")] public bool Pending { get; init; }
    /// <summary>
    /// Attached with the network's own masquerade and FORWARD rules (no per-container ipMasq chain, no firewall plugin).
    /// False in records written before those existed: their DEL must still run the plugins that made their rules.
    /// </summary>
    [JsonPropertyName("networkRules")] public bool NetworkRules { get; init; }
    [JsonPropertyName("cniResult")] public JsonObject? CniResult { get; init; }
    [JsonPropertyName("created")] public DateTimeOffset Created { get; init; }
}
