using System.Text.Json;
using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Network;

namespace ContainerTools.Api;

/// <summary>Containers in Docker's JSON shapes: the list entry (GET /containers/json) and the inspect document.</summary>
internal static class ContainerViews
{
    /// <summary>The list entry; written by <see cref="ContainerSummaryConverter"/> field by field (docker ps lists every container).</summary>
    public static ContainerSummary Summary(Container c, IReadOnlyList<Endpoint> endpoints) => new(c, endpoints);

    public static object Inspect(Container c, IReadOnlyList<Endpoint> endpoints, IEnumerable<string> execIds)
    {
        var d = c.Definition;
        var s = c.State;
        var running = c.Status is ContainerStatus.Running or ContainerStatus.Paused;
        var primary = endpoints.FirstOrDefault(e => e.Network == d.Network) ?? endpoints.FirstOrDefault();
        return new
        {
            Id = c.Id,
            Created = DockerFormat.Time(d.CreatedAt),
            Path = d.Args.FirstOrDefault() ?? "",
            Args = d.Args.Skip(1).ToArray(),
            State = new
            {
                Status = DockerFormat.State(c),
                Running = running,
                Paused = c.Status == ContainerStatus.Paused,
                Restarting = c.Restarting,
                OOMKilled = s.OomKilled,
                Dead = false,
                Pid = running ? s.Pid : 0,
                ExitCode = s.ExitCode ?? 0,
                Error = s.Error ?? "",
                StartedAt = DockerFormat.Time(s.StartedAt),
                FinishedAt = DockerFormat.Time(s.FinishedAt),
                Health = DockerFormat.Health(c) is { } health ? new
                {
                    Status = health,
                    FailingStreak = c.Health?.FailingStreak ?? 0,
                    Log = (c.Health?.Log ?? []).Select(r => new { Start = DockerFormat.Time(r.Start), End = DockerFormat.Time(r.End), r.ExitCode, r.Output }).ToArray(),
                } : null,
            },
            Image = DockerFormat.ImageId(d.ImageId),
            ResolvConfPath = c.Paths.ResolvConfFile,
            HostnamePath = c.Paths.HostnameFile,
            HostsPath = c.Paths.HostsFile,
            LogPath = c.Paths.LogFile,
            Name = "/" + c.Name,
            RestartCount = s.RestartCount,
            Driver = "overlay2",
            Platform = "linux",
            MountLabel = "",
            ProcessLabel = "",
            AppArmorProfile = "",
            ExecIDs = execIds.ToArray() is { Length: > 0 } ids ? ids : null,
            HostConfig = new
            {
                Binds = d.Mounts.Where(m => m.Type == "bind").Select(m => $"{m.Source}:{m.Destination}").ToArray(),
                ContainerIDFile = "",
                LogConfig = new { Type = "json-file", Config = LogConfig(d) },
                NetworkMode = NetworkMode(c),
                PortBindings = PortBindings(d.Publish),
                RestartPolicy = new { d.RestartPolicy.Name, d.RestartPolicy.MaximumRetryCount },
                AutoRemove = d.AutoRemove,
                VolumeDriver = "",
                VolumesFrom = (string[]?)null,
                CapAdd = NullIfEmpty(d.Confinement.CapabilityAdd),
                CapDrop = NullIfEmpty(d.Confinement.CapabilityDrop),
                GroupAdd = NullIfEmpty(d.Confinement.GroupAdd),
                Dns = Array.Empty<string>(),
                ExtraHosts = (string[]?)null,
                Privileged = d.Privileged,
                PublishAllPorts = false,
                ReadonlyRootfs = d.ReadOnlyRootFs,
                SecurityOpt = NullIfEmpty(d.Confinement.SecurityOptions),
                OomScoreAdj = d.Confinement.OomScoreAdjust ?? 0,
                ShmSize = d.Confinement.ShmSize ?? DefaultShmSize,
                Sysctls = d.Confinement.Sysctls.Count == 0 ? null : d.Confinement.Sysctls,
                Ulimits = d.Confinement.Ulimits.Count == 0 ? null : d.Confinement.Ulimits.Select(u => new { u.Name, u.Soft, u.Hard }).ToArray(),
                Tmpfs = d.Mounts.Where(m => m.Type == "tmpfs").ToDictionary(m => m.Destination, m => string.Join(',', m.Options ?? [])),
                Memory = d.Limits.MemoryBytes ?? 0,
                NanoCpus = d.Limits.Cpus is { } cpus ? (long)(cpus * 1e9) : 0,
                PidsLimit = d.Limits.Pids,
                Devices = d.Devices.Select(x => new { x.PathOnHost, x.PathInContainer, x.CgroupPermissions }).ToArray(),
                Init = d.Init ? true : (bool?)null,
                UsernsMode = d.UserNamespace?.Mode ?? "",
            },
            GraphDriver = new
            {
                Name = "overlay2",
                Data = new { MergedDir = c.Paths.MergedDirectory, UpperDir = c.Paths.UpperDirectory, WorkDir = c.Paths.WorkDirectory },
            },
            Mounts = Mounts(c),
            Config = new
            {
                Hostname = d.Hostname,
                Domainname = "",
                User = d.User ?? "",
                AttachStdin = false,
                AttachStdout = !d.Interactive,
                AttachStderr = !d.Interactive,
                ExposedPorts = d.Publish.Count == 0 ? null : d.Publish.Select(p => $"{p.ContainerPort}/{p.Protocol}").Distinct().ToDictionary(p => p, _ => new { }),
                Tty = d.Tty,
                OpenStdin = d.Interactive,
                StdinOnce = false,
                Env = d.Env,
                Cmd = d.Command,
                Image = d.Image,
                Volumes = (object?)null,
                WorkingDir = d.WorkingDir == "/" ? "" : d.WorkingDir,
                Entrypoint = d.Entrypoint.Count == 0 ? null : d.Entrypoint,
                OnBuild = (string[]?)null,
                Labels = d.Labels,
                StopSignal = d.StopSignal,
                StopTimeout = d.StopTimeout,
                Healthcheck = d.Health is { } check ? new
                {
                    check.Test,
                    Interval = Nanoseconds(check.Interval),
                    Timeout = Nanoseconds(check.Timeout),
                    StartPeriod = Nanoseconds(check.StartPeriod),
                    check.Retries,
                } : null,
            },
            NetworkSettings = new
            {
                Bridge = "",
                SandboxID = d.UsesNetworkNamespaceFile && running ? c.Id : "",
                HairpinMode = false,
                LinkLocalIPv6Address = "",
                LinkLocalIPv6PrefixLen = 0,
                Ports = running ? PortMap(s.Ports) : PortMap(d.Publish, unbound: true),
                SandboxKey = d.UsesNetworkNamespaceFile && running ? c.Paths.NetnsFile : "",
                SecondaryIPAddresses = (object?)null,
                SecondaryIPv6Addresses = (object?)null,
                EndpointID = primary is null ? "" : EndpointId(primary),
                Gateway = primary?.Gateway ?? "",
                GlobalIPv6Address = "",
                GlobalIPv6PrefixLen = 0,
                IPAddress = primary?.IpAddress ?? "",
                IPPrefixLen = primary?.PrefixLength ?? 0,
                IPv6Gateway = "",
                MacAddress = primary?.MacAddress ?? "",
                Networks = Networks(c, endpoints),
            },
        };
    }

    /// <summary>Docker's default /dev/shm size, 64 MiB.</summary>
    private const long DefaultShmSize = 64L << 20;

    private static IReadOnlyList<string>? NullIfEmpty(IReadOnlyList<string> items) => items.Count == 0 ? null : items;

    private static long Nanoseconds(TimeSpan duration) => duration.Ticks * 100;

    private static Dictionary<string, string> LogConfig(ContainerTools.Runtime.Containers.State.ContainerDefinition d)
    {
        var config = new Dictionary<string, string>(StringComparer.Ordinal);
        if (d.LogMaxSize > 0)
        {
            config["max-size"] = d.LogMaxSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
            config["max-file"] = d.LogMaxFiles.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return config;
    }

    public static string NetworkMode(Container c) => c.Definition.Network switch
    {
        "bridge" => "default",
        var other => other,
    };

    private static string EndpointId(Endpoint e) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes(e.Network + "/" + e.ContainerId))).ToLowerInvariant();

    /// <summary>NetworkSettings.Networks: one entry per network the container is on (its endpoints while running; the names otherwise).</summary>
    public static Dictionary<string, NetworkEntry> Networks(Container c, IReadOnlyList<Endpoint> endpoints)
    {
        var networks = new Dictionary<string, NetworkEntry>(StringComparer.Ordinal);
        networks[c.Definition.Network] = Entry(c, c.Definition.Network, c.Definition.NetworkAliases, endpoints);
        foreach (var connected in c.Definition.ConnectedNetworks)
        {
            networks.TryAdd(connected.Name, Entry(c, connected.Name, connected.Aliases, endpoints));
        }
        return networks;
    }

    private static NetworkEntry Entry(Container c, string name, IReadOnlyList<string> aliases, IReadOnlyList<Endpoint> endpoints)
    {
        Endpoint? endpoint = null;
        foreach (var e in endpoints)
        {
            if (e.Network == name) { endpoint = e; break; }
        }
        return new NetworkEntry(name, aliases.Count == 0 ? null : [.. aliases, c.ShortId], endpoint, endpoint is null ? "" : EndpointId(endpoint));
    }

    public static object[] Ports(Container c)
    {
        var running = c.Status is ContainerStatus.Running or ContainerStatus.Paused;
        return (running ? c.State.Ports : c.Definition.Publish)
            .Select(p => running
                ? (object)new { IP = string.IsNullOrEmpty(p.HostIp) ? "0.0.0.0" : p.HostIp, PrivatePort = p.ContainerPort, PublicPort = p.HostPort, Type = p.Protocol }
                : new { PrivatePort = p.ContainerPort, Type = p.Protocol })
            .ToArray();
    }

    private static Dictionary<string, object?> PortMap(IReadOnlyList<PortMapping> ports, bool unbound = false)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var group in ports.GroupBy(p => $"{p.ContainerPort}/{p.Protocol}"))
        {
            map[group.Key] = unbound ? null : group.Select(p => new { HostIp = string.IsNullOrEmpty(p.HostIp) ? "0.0.0.0" : p.HostIp, HostPort = p.HostPort.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToArray();
        }
        return map;
    }

    private static Dictionary<string, object[]> PortBindings(IReadOnlyList<PortMapping> ports) =>
        ports.GroupBy(p => $"{p.ContainerPort}/{p.Protocol}").ToDictionary(g => g.Key, g => g.Select(p => (object)new
        {
            HostIp = p.HostIp ?? "",
            HostPort = p.HostPort == 0 ? "" : p.HostPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).ToArray());

    public static object[] Mounts(Container c) => c.Definition.Mounts.Select(m => (object)new
    {
        Type = m.Type == "bind" && IsVolumePath(m.Source) ? "volume" : m.Type ?? "bind",
        Name = IsVolumePath(m.Source) ? VolumeName(m.Source!) : null,
        Source = m.Source ?? "",
        Destination = m.Destination,
        Driver = IsVolumePath(m.Source) ? "local" : null,
        Mode = "",
        RW = !(m.Options ?? []).Contains("ro"),
        Propagation = (m.Options ?? []).FirstOrDefault(o => o.EndsWith("private", StringComparison.Ordinal) || o.EndsWith("shared", StringComparison.Ordinal) || o.EndsWith("slave", StringComparison.Ordinal)) ?? "",
    }).ToArray();

    // Volumes live at STORE/volumes/NAME/_data (VolumeStore).
    private static bool IsVolumePath(string? source) => source is not null && source.EndsWith("/_data", StringComparison.Ordinal) && source.Contains("/volumes/", StringComparison.Ordinal);

    private static string VolumeName(string source) => Path.GetFileName(Path.GetDirectoryName(source)!);
}
