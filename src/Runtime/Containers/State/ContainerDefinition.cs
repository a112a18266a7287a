using System.Text.Json.Serialization;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.Runtime.Containers.Devices;
using ContainerTools.Runtime.Network;
using ContainerTools.Runtime.Security;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Runtime.Containers.State;

/// <summary>
/// container.json: what the container was created with. Written once at create (and again on rename); the image's
/// config is already merged in, so starting never needs the image record.
/// </summary>
public sealed record ContainerDefinition
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("name")] public required string Name { get; init; }
    /// <summary>The image as the user named it.</summary>
    [JsonPropertyName("image")] public required string Image { get; init; }
    [JsonPropertyName("imageId")] public required string ImageId { get; init; }
    [JsonPropertyName("entrypoint")] public IReadOnlyList<string> Entrypoint { get; init; } = [];
    [JsonPropertyName("command")] public IReadOnlyList<string> Command { get; init; } = [];
    [JsonPropertyName("env")] public IReadOnlyList<string> Env { get; init; } = [];
    [JsonPropertyName("workingDir")] public string WorkingDir { get; init; } = "/";
    [JsonPropertyName("user")] public string? User { get; init; }
    [JsonPropertyName("hostname")] public required string Hostname { get; init; }
    [JsonPropertyName("labels")] public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    [JsonPropertyName("limits")] public CgroupLimits Limits { get; init; } = new();
    /// <summary>The signal Stop sends first (the image's StopSignal, else SIGTERM).</summary>
    [JsonPropertyName("stopSignal")] public string StopSignal { get; init; } = "SIGTERM";
    [JsonPropertyName("createdAt")] public DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("interactive")] public bool Interactive { get; init; }
    [JsonPropertyName("tty")] public bool Tty { get; init; }
    [JsonPropertyName("readOnlyRootFs")] public bool ReadOnlyRootFs { get; init; }
    [JsonPropertyName("autoRemove")] public bool AutoRemove { get; init; }
    /// <summary>"bridge" (the default network), "none" (loopback only), "host" (the host's namespace) or a network's name.</summary>
    [JsonPropertyName("network")] public string Network { get; init; } = NetworkModes.None;
    [JsonPropertyName("networkAliases")] public IReadOnlyList<string> NetworkAliases { get; init; } = [];
    /// <summary>Networks joined later with Connect; re-attached at every start.</summary>
    [JsonPropertyName("connectedNetworks")] public IReadOnlyList<NetworkConnection> ConnectedNetworks { get; init; } = [];
    /// <summary>The published ports as asked (host port 0: chosen at each start).</summary>
    [JsonPropertyName("publish")] public IReadOnlyList<PortMapping> Publish { get; init; } = [];
    /// <summary>The volumes, binds and tmpfs mounts, resolved at create: OCI mount entries in mount order.</summary>
    [JsonPropertyName("mounts")] public IReadOnlyList<MountSpec> Mounts { get; init; } = [];
    /// <summary>Host devices given to the container (-Device), resolved to nodes each time the bundle is written.</summary>
    [JsonPropertyName("devices")] public IReadOnlyList<DeviceMapping> Devices { get; init; } = [];
    /// <summary>Docker's --privileged: every capability and host device, no seccomp filter, no masked or read-only paths.</summary>
    [JsonPropertyName("privileged")] public bool Privileged { get; init; }
    /// <summary>Capabilities, security options, ulimits, sysctls, OOM score, /dev/shm size, extra groups (issue 12).</summary>
    [JsonPropertyName("confinement")] public ContainerConfinement Confinement { get; init; } = new();

    /// <summary>True when the container runs in a namespace the engine makes and attaches (containers/ID/netns).</summary>
    [JsonIgnore] public bool UsesNetworkNamespaceFile => NetworkModes.IsAttached(Network) || ConnectedNetworks.Count > 0;

    /// <summary>The full argv: entrypoint then command, as Docker joins them.</summary>
    [JsonIgnore] public IReadOnlyList<string> Args => [.. Entrypoint, .. Command];
}
