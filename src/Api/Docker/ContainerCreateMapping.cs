using System.Globalization;
using ContainerTools.Api.Http;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Security;
using ContainerTools.Runtime.Security.UserNamespaces;

namespace ContainerTools.Api;

/// <summary>
/// The one place a Docker create body becomes the engine's <see cref="ContainerCreateOptions"/>. Fields the engine
/// does not have are refused with a 400 naming them when they ask for something other than the default (so a client
/// never believes it got a sharing or a log driver it did not get); see <see cref="RefuseUnsupported"/>.
/// </summary>
internal static class ContainerCreateMapping
{
    public static ContainerCreateOptions Map(CreateBody body, string? name)
    {
        if (string.IsNullOrWhiteSpace(body.Image)) throw ApiException.BadRequest("Config.Image is required");
        var host = body.HostConfig ?? new HostConfigBody();
        RefuseUnsupported(host);
        var (network, aliases) = Network(host, body.NetworkingConfig);
        var health = body.Healthcheck;
        var test = health?.Test?.Items is { Count: > 0 } items ? items : null;
        return new ContainerCreateOptions
        {
            Image = body.Image,
            Name = string.IsNullOrEmpty(name) ? null : name,
            Command = body.Cmd?.Items is { Count: > 0 } cmd ? cmd : null,
            // An empty Entrypoint list is docker's --entrypoint "": no entrypoint at all.
            Entrypoint = body.Entrypoint?.Items is { } entrypoint ? (entrypoint.Count == 1 && entrypoint[0] == "" ? [] : entrypoint) : null,
            Env = body.Env,
            WorkingDir = string.IsNullOrEmpty(body.WorkingDir) ? null : body.WorkingDir,
            User = string.IsNullOrEmpty(body.User) ? null : body.User,
            Hostname = string.IsNullOrEmpty(body.Hostname) ? null : body.Hostname,
            Labels = body.Labels,
            StopSignal = string.IsNullOrEmpty(body.StopSignal) ? null : body.StopSignal,
            StopTimeout = body.StopTimeout is { } stop ? TimeSpan.FromSeconds(stop) : null,
            Interactive = body.OpenStdin,
            Tty = body.Tty,
            ReadOnlyRootFs = host.ReadonlyRootfs,
            AutoRemove = host.AutoRemove,
            Network = network,
            NetworkAliases = aliases,
            Publish = Publish(host),
            Volumes = host.Binds ?? [],
            Tmpfs = (host.Tmpfs ?? []).Select(t => string.IsNullOrEmpty(t.Value) ? t.Key : $"{t.Key}:{t.Value}").ToList(),
            Mounts = (host.Mounts ?? []).Select(MountSpec).ToList(),
            Devices = (host.Devices ?? []).Select(Device).ToList(),
            Privileged = host.Privileged,
            Limits = Limits(host),
            RestartPolicy = RestartPolicy(host.RestartPolicy),
            Init = host.Init == true,
            // Test ["NONE"] turns the image's check off; an empty Test keeps the image's command with these timings.
            NoHealthcheck = test is ["NONE", ..],
            HealthTest = test is ["NONE", ..] ? null : test,
            HealthInterval = Nanoseconds(health?.Interval),
            HealthTimeout = Nanoseconds(health?.Timeout),
            HealthStartPeriod = Nanoseconds(health?.StartPeriod),
            HealthRetries = health?.Retries is > 0 ? health.Retries : null,
            LogMaxSize = LogOption(host.LogConfig, "max-size") is { } size ? ByteSize(size, "max-size") : null,
            LogMaxFiles = LogOption(host.LogConfig, "max-file") is { } files ? Count(files, "max-file") : null,
            Confinement = new ConfinementOptions
            {
                CapabilityAdd = host.CapAdd ?? [],
                CapabilityDrop = host.CapDrop ?? [],
                SecurityOptions = host.SecurityOpt ?? [],
                Ulimits = (host.Ulimits ?? []).Select(Ulimit).ToList(),
                Sysctls = (host.Sysctls ?? []).Select(s => $"{s.Key}={s.Value}").ToList(),
                OomScoreAdjust = host.OomScoreAdj is { } oom && oom != 0 ? oom : null,
                ShmSize = host.ShmSize > 0 ? host.ShmSize : null,
                GroupAdd = host.GroupAdd ?? [],
            },
            UserNamespace = UserNamespace(host.UsernsMode),
        };
    }

    /// <summary>
    /// HostConfig.UsernsMode: "" and "host" are the host's namespace (Docker's only modes), "auto" and "auto:size=N" the
    /// engine's (Podman's --userns=auto); anything else is a 400 before the engine is asked.
    /// </summary>
    private static string? UserNamespace(string? mode)
    {
        if (string.IsNullOrEmpty(mode) || mode == "host") return null;
        try
        {
            UserNamespaceMode.Parse(mode);
            return mode;
        }
        catch (ContainerToolsException)
        {
            throw ApiException.BadRequest($"HostConfig.UsernsMode '{mode}' is not supported: use \"host\" (or empty), \"auto\" or \"auto:size=N\" (N from 1 to 1073741824)");
        }
    }

    /// <summary>POST /containers/{id}/update's body (HostConfig's resources and restart policy); 0 keeps a value, as dockerd reads it.</summary>
    public static ContainerUpdateOptions Update(HostConfigBody body)
    {
        var limits = Limits(body);
        return new ContainerUpdateOptions
        {
            MemoryBytes = limits.MemoryBytes,
            Cpus = limits.Cpus,
            Pids = limits.Pids,
            RestartPolicy = body.RestartPolicy is { Name: { Length: > 0 } } ? RestartPolicy(body.RestartPolicy) ?? "no" : null,
        };
    }

    /// <summary>HostConfig fields the engine has no counterpart for: VolumesFrom, PidMode, IpcMode other than private, log drivers other than json-file.</summary>
    private static void RefuseUnsupported(HostConfigBody host)
    {
        var asked = new List<string>();
        if (host.VolumesFrom is { Count: > 0 }) asked.Add("HostConfig.VolumesFrom");
        if (host.PidMode is { Length: > 0 }) asked.Add("HostConfig.PidMode");
        if (host.IpcMode is { Length: > 0 } ipc && ipc is not ("private" or "shareable")) asked.Add("HostConfig.IpcMode");
        if (host.LogConfig?.Type is { Length: > 0 } driver && driver is not ("json-file" or "k8s-file" or "local")) asked.Add($"HostConfig.LogConfig ({driver})");
        if (asked.Count > 0) throw ApiException.BadRequest("not supported by ContainerTools yet: " + string.Join(", ", asked));
    }

    /// <summary>Docker's {Name, MaximumRetryCount} as the engine's --restart form ("on-failure:3"); "" and "no" are none.</summary>
    private static string? RestartPolicy(RestartPolicyBody? policy)
    {
        if (policy?.Name is not { Length: > 0 } name || name == "no") return null;
        if (policy.MaximumRetryCount < 0) throw ApiException.BadRequest("HostConfig.RestartPolicy: MaximumRetryCount cannot be negative");
        if (policy.MaximumRetryCount > 0 && name != "on-failure") throw ApiException.BadRequest($"HostConfig.RestartPolicy: maximum retry count cannot be used with restart policy '{name}'");
        return policy.MaximumRetryCount > 0 ? $"{name}:{policy.MaximumRetryCount.ToString(CultureInfo.InvariantCulture)}" : name;
    }

    /// <summary>Healthcheck durations are nanoseconds; 0 inherits the image's (or the default), negative is Docker's 400.</summary>
    private static TimeSpan? Nanoseconds(long? value) => value switch
    {
        null or 0 => null,
        < 0 => throw ApiException.BadRequest("Config.Healthcheck: durations cannot be negative"),
        { } ns => TimeSpan.FromTicks(ns / 100),
    };

    private static string Ulimit(UlimitBody ulimit) =>
        $"{ulimit.Name ?? throw ApiException.BadRequest("HostConfig.Ulimits: Name is required")}={ulimit.Soft.ToString(CultureInfo.InvariantCulture)}:{ulimit.Hard.ToString(CultureInfo.InvariantCulture)}";

    private static string? LogOption(LogConfigBody? log, string key) =>
        log?.Config is { } config && config.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    /// <summary>Docker's units.RAMInBytes: "10m", "1g", "512k", "100" (powers of 1024, an optional b).</summary>
    internal static long ByteSize(string text, string what)
    {
        var value = text.Trim().ToLowerInvariant();
        if (value.EndsWith('b')) value = value[..^1];
        var multiplier = value.Length > 0 ? value[^1] switch { 'k' => 1L << 10, 'm' => 1L << 20, 'g' => 1L << 30, 't' => 1L << 40, _ => 1L } : 1L;
        if (multiplier > 1) value = value[..^1];
        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number <= 0)
            throw ApiException.BadRequest($"HostConfig.LogConfig: {what} '{text}' is not a size such as 10m");
        return (long)(number * multiplier);
    }

    private static int Count(string text, string what) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw ApiException.BadRequest($"HostConfig.LogConfig: {what} '{text}' is not a positive whole number");

    /// <summary>HostConfig.NetworkMode and the endpoint of that network (its aliases); "default" is the engine's default.</summary>
    private static (string? Network, IReadOnlyList<string> Aliases) Network(HostConfigBody host, NetworkingConfigBody? networking)
    {
        // The docker 28 CLI names the default network "default" in EndpointsConfig too.
        var endpoints = (networking?.EndpointsConfig ?? []).Where(e => e.Key != "default").ToDictionary(e => e.Key, e => e.Value);
        var mode = host.NetworkMode is { Length: > 0 } m && m != "default" ? m : null;
        if (mode is null && endpoints.Count > 0) mode = endpoints.Keys.First();
        if (endpoints.Count > 1) throw ApiException.BadRequest("Container cannot be connected to network endpoints: give one network at create and connect the others after");
        var aliases = mode is not null && endpoints.TryGetValue(mode, out var endpoint) ? endpoint?.Aliases ?? [] : [];
        // Docker does not let the default bridge carry aliases; Compose never asks it to.
        return (mode, aliases);
    }

    /// <summary>PortBindings as the engine's -p forms ("127.0.0.1:8080:80/tcp"); an ExposedPort without a binding publishes nothing (as Docker).</summary>
    private static IReadOnlyList<string> Publish(HostConfigBody host)
    {
        var specs = new List<string>();
        foreach (var (port, bindings) in host.PortBindings ?? [])
        {
            foreach (var binding in bindings is { Count: > 0 } ? bindings : [new PortBindingBody()])
            {
                // An empty (or 0) host port is a random one: "80", or "127.0.0.1::80" with an address.
                var hostPart = binding.HostPort is { Length: > 0 } p && p != "0" ? p : "";
                var anyAddress = string.IsNullOrEmpty(binding.HostIp) || binding.HostIp is "0.0.0.0" or "::";
                specs.Add(anyAddress
                    ? (hostPart.Length == 0 ? port : $"{hostPart}:{port}")
                    : $"{binding.HostIp}:{hostPart}:{port}");
            }
        }
        return specs;
    }

    private static string MountSpec(MountBody mount)
    {
        var parts = new List<string> { "type=" + (mount.Type ?? "volume") };
        if (!string.IsNullOrEmpty(mount.Source)) parts.Add("source=" + mount.Source);
        parts.Add("target=" + (mount.Target ?? throw ApiException.BadRequest("HostConfig.Mounts: Target is required")));
        if (mount.ReadOnly) parts.Add("readonly");
        if (mount.TmpfsOptions is { } tmpfs)
        {
            if (tmpfs.SizeBytes > 0) parts.Add("tmpfs-size=" + tmpfs.SizeBytes.ToString(CultureInfo.InvariantCulture));
            if (tmpfs.Mode is { } mode) parts.Add("tmpfs-mode=" + Convert.ToString(mode, 8));
        }
        return string.Join(',', parts);
    }

    private static string Device(DeviceBody device)
    {
        var onHost = device.PathOnHost ?? throw ApiException.BadRequest("HostConfig.Devices: PathOnHost is required");
        var inContainer = string.IsNullOrEmpty(device.PathInContainer) ? onHost : device.PathInContainer;
        var permissions = string.IsNullOrEmpty(device.CgroupPermissions) ? "rwm" : device.CgroupPermissions;
        return $"{onHost}:{inContainer}:{permissions}";
    }

    private static CgroupLimits Limits(HostConfigBody host)
    {
        double? cpus = host.NanoCpus > 0 ? host.NanoCpus / 1e9
            : host.CpuQuota > 0 ? (double)host.CpuQuota / (host.CpuPeriod > 0 ? host.CpuPeriod : 100_000) : null;
        return new CgroupLimits
        {
            MemoryBytes = host.Memory > 0 ? host.Memory : null,
            Cpus = cpus,
            Pids = host.PidsLimit is > 0 ? host.PidsLimit : null,
        };
    }
}
