using System.Text.Json.Serialization;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.Runtime.Containers.Devices;
using ContainerTools.Runtime.Network;
using ContainerTools.Runtime.Security;
using ContainerTools.Runtime.Security.UserNamespaces;
using ContainerTools.OciRuntime.Spec;
using ContainerTools.OciRuntime.State;

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
    /// <summary>-UserNamespace auto or -UidMap/-GidMap: the container's id maps; null: the host's user namespace.</summary>
    [JsonPropertyName("userNamespace")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ContainerIdMaps? UserNamespace { get; init; }

    // Services: read by ctmon (MonitoredContainer) and by Stop and Restore.
    /// <summary>What the monitor does when the program exits (-RestartPolicy).</summary>
    [JsonPropertyName("restartPolicy")] public RestartPolicy RestartPolicy { get; init; } = RestartPolicy.None;
    /// <summary>Seconds Stop waits for the exit before SIGKILL (-StopTimeout, Docker's StopTimeout); null: 10.</summary>
    [JsonPropertyName("stopTimeout")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? StopTimeout { get; init; }
    /// <summary>-Init: the host's tini runs as PID 1 in front of the program (Docker's --init).</summary>
    [JsonPropertyName("init")] public bool Init { get; init; }
    /// <summary>The health probe ctmon runs (the image's HEALTHCHECK merged with -Health*); null: none.</summary>
    [JsonPropertyName("health")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public HealthCheck? Health { get; init; }

    /// <summary>json-file's max-size in bytes: container.log rotates past it (-LogMaxSize); 0: no limit.</summary>
    [JsonPropertyName("logMaxSize")] public long LogMaxSize { get; init; }
    /// <summary>json-file's max-file: the log files kept, the current one included (-LogMaxFiles).</summary>
    [JsonPropertyName("logMaxFiles")] public int LogMaxFiles { get; init; } = 1;

    /// <summary>Its monitor may start the program again (a restart policy, or a health check's -HealthOnFailure).</summary>
    [JsonIgnore] public bool MonitorMayRestart => RestartPolicy.RestartsAtAll || Health is not null;

    /// <summary>True when the container runs in a namespace the engine makes and attaches (containers/ID/netns).</summary>
    [JsonIgnore] public bool UsesNetworkNamespaceFile => NetworkModes.IsAttached(Network) || ConnectedNetworks.Count > 0;

    /// <summary>The full argv: entrypoint then command, as Docker joins them.</summary>
    [JsonIgnore] public IReadOnlyList<string> Args => [.. Entrypoint, .. Command];
}
