using System.Text.Json;
using ContainerTools.Api.Http;

namespace ContainerTools.Api;

// Docker's POST /containers/create body (swagger: ContainerConfig + HostConfig + NetworkingConfig), the fields the
// API reads. Unknown fields are ignored, as dockerd's Go decoder does; wrong types are a 400.

internal sealed record CreateBody
{
    public string? Hostname { get; init; }
    public string? Domainname { get; init; }
    public string? User { get; init; }
    public bool AttachStdin { get; init; }
    public bool AttachStdout { get; init; }
    public bool AttachStderr { get; init; }
    public Dictionary<string, JsonElement>? ExposedPorts { get; init; }
    public bool Tty { get; init; }
    public bool OpenStdin { get; init; }
    public bool StdinOnce { get; init; }
    public List<string>? Env { get; init; }
    public StringOrList? Cmd { get; init; }
    public HealthConfigBody? Healthcheck { get; init; }
    public string? Image { get; init; }
    public Dictionary<string, JsonElement>? Volumes { get; init; }
    public string? WorkingDir { get; init; }
    public StringOrList? Entrypoint { get; init; }
    public bool? NetworkDisabled { get; init; }
    public Dictionary<string, string>? Labels { get; init; }
    public string? StopSignal { get; init; }
    public int? StopTimeout { get; init; }
    public HostConfigBody? HostConfig { get; init; }
    public NetworkingConfigBody? NetworkingConfig { get; init; }
}

internal sealed record HealthConfigBody
{
    public StringOrList? Test { get; init; }
    // docker-py (Compose) sends null for the ones a file does not set.
    public long? Interval { get; init; }
    public long? Timeout { get; init; }
    public long? StartPeriod { get; init; }
    public int? Retries { get; init; }
}

internal sealed record HostConfigBody
{
    public List<string>? Binds { get; init; }
    public string? NetworkMode { get; init; }
    public Dictionary<string, List<PortBindingBody>?>? PortBindings { get; init; }
    public RestartPolicyBody? RestartPolicy { get; init; }
    public bool AutoRemove { get; init; }
    public List<string>? VolumesFrom { get; init; }
    public List<MountBody>? Mounts { get; init; }
    public List<string>? CapAdd { get; init; }
    public List<string>? CapDrop { get; init; }
    public List<string>? Dns { get; init; }
    public List<string>? ExtraHosts { get; init; }
    public bool Privileged { get; init; }
    public bool PublishAllPorts { get; init; }
    public bool ReadonlyRootfs { get; init; }
    public List<string>? SecurityOpt { get; init; }
    public Dictionary<string, string>? Tmpfs { get; init; }
    public string? PidMode { get; init; }
    public string? IpcMode { get; init; }
    public string? UsernsMode { get; init; }
    public Dictionary<string, string>? Sysctls { get; init; }
    public bool? Init { get; init; }
    public LogConfigBody? LogConfig { get; init; }
    public long Memory { get; init; }
    public long NanoCpus { get; init; }
    public long CpuQuota { get; init; }
    public long CpuPeriod { get; init; }
    public long? PidsLimit { get; init; }
    public List<UlimitBody>? Ulimits { get; init; }
    public int? OomScoreAdj { get; init; }
    public long ShmSize { get; init; }
    public List<string>? GroupAdd { get; init; }
    public List<DeviceBody>? Devices { get; init; }
}

internal sealed record PortBindingBody
{
    public string? HostIp { get; init; }
    public string? HostPort { get; init; }
}

internal sealed record RestartPolicyBody
{
    public string? Name { get; init; }
    public int MaximumRetryCount { get; init; }
}

internal sealed record MountBody
{
    public string? Target { get; init; }
    public string? Source { get; init; }
    public string? Type { get; init; }
    public bool ReadOnly { get; init; }
    public TmpfsOptionsBody? TmpfsOptions { get; init; }
}

internal sealed record TmpfsOptionsBody
{
    public long SizeBytes { get; init; }
    public int? Mode { get; init; }
}

internal sealed record LogConfigBody
{
    public string? Type { get; init; }
    public Dictionary<string, string>? Config { get; init; }
}

internal sealed record UlimitBody
{
    public string? Name { get; init; }
    public long Soft { get; init; }
    public long Hard { get; init; }
}

internal sealed record DeviceBody
{
    public string? PathOnHost { get; init; }
    public string? PathInContainer { get; init; }
    public string? CgroupPermissions { get; init; }
}

internal sealed record NetworkingConfigBody
{
    public Dictionary<string, EndpointSettingsBody?>? EndpointsConfig { get; init; }
}

internal sealed record EndpointSettingsBody
{
    public List<string>? Aliases { get; init; }
    public List<string>? Links { get; init; }
}
