using System.Collections;
using ContainerTools.Runtime.Containers.State;
using EngineContainer = ContainerTools.Runtime.Containers.Container;
using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Security;

namespace ContainerTools;

/// <summary>
/// A container as the cmdlets write it (like a row of `podman ps -a`, with the details of `inspect`). Other cmdlets
/// bind it through <see cref="Id"/>, so a piped object acts on exactly that container even after a rename.
/// </summary>
public sealed class Container
{
    /// <summary>64 hex digits.</summary>
    public string Id { get; init; } = "";
    public string ShortId { get; init; } = "";
    public string Name { get; init; } = "";
    /// <summary>The image as it was named at creation.</summary>
    public string Image { get; init; } = "";
    public string ImageId { get; init; } = "";
    /// <summary>The full argv: entrypoint then command.</summary>
    public string[] Command { get; init; } = [];
    public ContainerStatus Status { get; init; }
    /// <summary>Set once the container has exited.</summary>
    public int? ExitCode { get; init; }
    public bool OOMKilled { get; init; }
    /// <summary>The main process in the host's pid namespace while the container runs.</summary>
    public int? Pid { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? StartedAt { get; init; }
    public DateTime? FinishedAt { get; init; }
    public Hashtable Labels { get; init; } = new();
    /// <summary>Memory limit in bytes; null is unlimited.</summary>
    public long? Memory { get; init; }
    public double? Cpus { get; init; }
    public long? PidsLimit { get; init; }
    public string Hostname { get; init; } = "";
    public string WorkingDirectory { get; init; } = "/";
    public string? User { get; init; }
    public string[] Environment { get; init; } = [];
    public bool ReadOnlyRootFilesystem { get; init; }
    public bool Interactive { get; init; }
    public bool Tty { get; init; }
    public int RestartCount { get; init; }
    /// <summary>no, on-failure[:max], always or unless-stopped (-RestartPolicy).</summary>
    public string RestartPolicy { get; init; } = "no";
    /// <summary>The restart policy's monitor is waiting to start the program again (Docker's "restarting").</summary>
    public bool Restarting { get; init; }
    public string StopSignal { get; init; } = "SIGTERM";
    /// <summary>starting, healthy or unhealthy while it runs with a health check; none otherwise.</summary>
    public string Health { get; init; } = "none";
    /// <summary>The last five probe results, oldest first.</summary>
    public ContainerHealthResult[] HealthLog { get; init; } = [];
    /// <summary>-Init: tini runs as PID 1 in front of the program.</summary>
    public bool Init { get; init; }
    /// <summary>How long Stop-Container waits before SIGKILL.</summary>
    public TimeSpan StopTimeout { get; init; }
    /// <summary>"bridge", "none", "host" or a network's name.</summary>
    public string Network { get; init; } = "";
    /// <summary>Published ports of the running container, as docker ps shows them: 0.0.0.0:8080->80/tcp.</summary>
    public string[] Ports { get; init; } = [];
    /// <summary>Volumes, binds and tmpfs mounts: SOURCE:DESTINATION[:ro] (tmpfs for a tmpfs).</summary>
    public string[] Mounts { get; init; } = [];
    /// <summary>Host devices given with -Device: HOST_PATH:CONTAINER_PATH:PERMISSIONS.</summary>
    public string[] Devices { get; init; } = [];
    /// <summary>Docker's --privileged: every capability and host device, no seccomp filter, no masked or read-only paths.</summary>
    public bool Privileged { get; init; }
    /// <summary>The capabilities the container's root has (bounding, effective and permitted sets): Docker's defaults with -CapabilityAdd/-CapabilityDrop applied.</summary>
    public string[] Capabilities { get; init; } = [];
    public string[] CapabilityAdd { get; init; } = [];
    /// <summary>"host" (the host's user namespace), "auto"/"auto:size=N" or "private" (-UidMap/-GidMap).</summary>
    public string UserNamespace { get; init; } = "host";
    /// <summary>The user namespace's maps as podman prints them: containerId:hostId:size.</summary>
    public string[] UidMap { get; init; } = [];
    public string[] GidMap { get; init; } = [];
    public string[] CapabilityDrop { get; init; } = [];
    /// <summary>"default" (Docker's profile), "unconfined", or the profile file given with -SecurityOption seccomp=FILE.</summary>
    public string Seccomp { get; init; } = "default";
    public bool NoNewPrivileges { get; init; }
    /// <summary>The -SecurityOption values, normalized.</summary>
    public string[] SecurityOptions { get; init; } = [];
    /// <summary>NAME=SOFT:HARD, -1 unlimited.</summary>
    public string[] Ulimits { get; init; } = [];
    public Hashtable Sysctls { get; init; } = new();
    public int? OomScoreAdjust { get; init; }
    /// <summary>Bytes of /dev/shm; null is Docker's 64MB.</summary>
    public long? ShmSize { get; init; }
    public string[] GroupAdd { get; init; } = [];
    /// <summary>Why the last start failed or the monitor was lost, if it did.</summary>
    public string? Error { get; init; }

    /// <summary>The Id, so a Container given where a name is expected still names exactly this container.</summary>
    public override string ToString() => Id;

    public static Container From(EngineContainer container)
    {
        var definition = container.Definition;
        var state = container.State;
        var labels = new Hashtable(StringComparer.Ordinal);
        foreach (var (key, value) in definition.Labels)
        {
            labels[key] = value;
        }
        var confinement = definition.Confinement;
        var running = state.Status is ContainerStatus.Running or ContainerStatus.Paused;
        return new Container
        {
            Id = container.Id,
            ShortId = container.ShortId,
            Name = container.Name,
            Image = definition.Image,
            ImageId = definition.ImageId,
            Command = definition.Args.ToArray(),
            Status = state.Status,
            ExitCode = state.Status == ContainerStatus.Exited || container.Restarting ? state.ExitCode : null,
            OOMKilled = state.OomKilled,
            Pid = running && state.Pid > 0 ? state.Pid : null,
            CreatedAt = definition.CreatedAt.LocalDateTime,
            StartedAt = state.StartedAt?.LocalDateTime,
            FinishedAt = state.FinishedAt?.LocalDateTime,
            Labels = labels,
            Memory = definition.Limits.MemoryBytes,
            Cpus = definition.Limits.Cpus,
            PidsLimit = definition.Limits.Pids,
            Hostname = definition.Hostname,
            WorkingDirectory = definition.WorkingDir,
            User = definition.User,
            Environment = definition.Env.ToArray(),
            ReadOnlyRootFilesystem = definition.ReadOnlyRootFs,
            Interactive = definition.Interactive,
            Tty = definition.Tty,
            RestartCount = state.RestartCount,
            RestartPolicy = definition.RestartPolicy.ToString(),
            Restarting = container.Restarting,
            StopSignal = definition.StopSignal,
            Init = definition.Init,
            Health = container.Health?.Status ?? "none",
            HealthLog = container.Health?.Log.Select(r => new ContainerHealthResult
            {
                Start = r.Start.LocalDateTime, End = r.End.LocalDateTime, ExitCode = r.ExitCode, Output = r.Output,
            }).ToArray() ?? [],
            StopTimeout = TimeSpan.FromSeconds(definition.StopTimeout ?? (int)Runtime.Containers.ContainerStore.DefaultStopTimeout.TotalSeconds),
            Error = state.Error,
            Network = definition.Network,
            Ports = running ? state.Ports.Select(p => $"{p.HostIp ?? "0.0.0.0"}:{p.HostPort}->{p.ContainerPort}/{p.Protocol}").ToArray() : [],
            Mounts = definition.Mounts.Select(m => $"{m.Source}:{m.Destination}{(m.Options?.Contains("ro") == true ? ":ro" : "")}").ToArray(),
            Devices = definition.Devices.Select(d => $"{d.PathOnHost}:{d.PathInContainer}:{d.CgroupPermissions}").ToArray(),
            Privileged = definition.Privileged,
            Capabilities = CapabilityNames.Effective(confinement.CapabilityAdd, confinement.CapabilityDrop, definition.Privileged).ToArray(),
            CapabilityAdd = confinement.CapabilityAdd.ToArray(),
            UserNamespace = definition.UserNamespace?.Mode ?? "host",
            UidMap = definition.UserNamespace?.Uids.Select(m => $"{m.ContainerId}:{m.HostId}:{m.Size}").ToArray() ?? [],
            GidMap = definition.UserNamespace?.Gids.Select(m => $"{m.ContainerId}:{m.HostId}:{m.Size}").ToArray() ?? [],
            CapabilityDrop = confinement.CapabilityDrop.ToArray(),
            Seccomp = definition.Privileged || confinement.SeccompUnconfined ? "unconfined" : confinement.SeccompSource ?? "default",
            NoNewPrivileges = confinement.NoNewPrivileges,
            SecurityOptions = confinement.SecurityOptions.ToArray(),
            Ulimits = confinement.Ulimits.Select(u => u.ToString()).ToArray(),
            Sysctls = new Hashtable(confinement.Sysctls.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal),
            OomScoreAdjust = confinement.OomScoreAdjust,
            ShmSize = confinement.ShmSize,
            GroupAdd = confinement.GroupAdd.ToArray(),
        };
    }
}

/// <summary>One health probe's result (Docker's State.Health.Log entry).</summary>
public sealed class ContainerHealthResult
{
    public DateTime Start { get; init; }
    public DateTime End { get; init; }
    /// <summary>0 healthy, else failed; -1 when it could not run or timed out.</summary>
    public int ExitCode { get; init; }
    public string Output { get; init; } = "";
}
