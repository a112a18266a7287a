using System.Globalization;
using ContainerTools.Api.Http;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.Runtime.Containers;

namespace ContainerTools.Api;

/// <summary>
/// The one place a Docker create body becomes the engine's <see cref="ContainerCreateOptions"/>. Fields the engine
/// does not have yet are refused with a 400 naming them when they ask for something other than the default (so a
/// client never believes it got a confinement or a restart policy it did not get); see <see cref="Pending"/>.
/// </summary>
internal static class ContainerCreateMapping
{
    /// <summary>
    /// HostConfig/Config fields that wait for engine work on other branches (restart policy and health checks: the
    /// services issue; capabilities, security options, ulimits, sysctls: the confinement issue; init, stop timeout:
    /// services). Each is checked in <see cref="RefuseUnsupported"/>; wire them here when the engine has them.
    /// </summary>
    public static readonly string[] Pending =
    [
        "HostConfig.RestartPolicy", "Config.Healthcheck", "HostConfig.Init", "Config.StopTimeout",
        "HostConfig.CapAdd", "HostConfig.CapDrop", "HostConfig.SecurityOpt", "HostConfig.Ulimits", "HostConfig.Sysctls",
    ];

    public static ContainerCreateOptions Map(CreateBody body, string? name)
    {
        if (string.IsNullOrWhiteSpace(body.Image)) throw ApiException.BadRequest("Config.Image is required");
        var host = body.HostConfig ?? new HostConfigBody();
        RefuseUnsupported(body, host);
        var (network, aliases) = Network(host, body.NetworkingConfig);
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
        };
    }

    private static void RefuseUnsupported(CreateBody body, HostConfigBody host)
    {
        var asked = new List<string>();
        if (host.RestartPolicy is { Name: { Length: > 0 } policy } && policy != "no") asked.Add($"HostConfig.RestartPolicy ({policy})");
        if (body.Healthcheck?.Test?.Items is { Count: > 0 } test && test[0] != "NONE") asked.Add("Config.Healthcheck");
        if (host.Init == true) asked.Add("HostConfig.Init");
        if (host.CapAdd is { Count: > 0 }) asked.Add("HostConfig.CapAdd");
        if (host.CapDrop is { Count: > 0 }) asked.Add("HostConfig.CapDrop");
        if (host.SecurityOpt is { Count: > 0 }) asked.Add("HostConfig.SecurityOpt");
        if (host.Ulimits is { Count: > 0 }) asked.Add("HostConfig.Ulimits");
        if (host.Sysctls is { Count: > 0 }) asked.Add("HostConfig.Sysctls");
        if (host.VolumesFrom is { Count: > 0 }) asked.Add("HostConfig.VolumesFrom");
        if (host.PidMode is { Length: > 0 }) asked.Add("HostConfig.PidMode");
        if (host.IpcMode is { Length: > 0 } ipc && ipc is not ("private" or "shareable")) asked.Add("HostConfig.IpcMode");
        if (host.LogConfig?.Type is { Length: > 0 } driver && driver is not ("json-file" or "k8s-file" or "local")) asked.Add($"HostConfig.LogConfig ({driver})");
        if (asked.Count > 0) throw ApiException.BadRequest("not supported by ContainerTools yet: " + string.Join(", ", asked));
    }

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
