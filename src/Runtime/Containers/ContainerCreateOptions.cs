using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.Runtime.Security;

namespace ContainerTools.Runtime.Containers;

/// <summary>What New-Container passes to <see cref="ContainerStore.Create"/>; nulls fall back to the image's config, as Docker does.</summary>
public sealed record ContainerCreateOptions
{
    /// <summary>Image name, id or short id.</summary>
    public required string Image { get; init; }
    public string? Name { get; init; }
    /// <summary>Replaces the image's Cmd.</summary>
    public IReadOnlyList<string>? Command { get; init; }
    /// <summary>Replaces the image's Entrypoint (and, as with docker --entrypoint, drops the image's Cmd).</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }
    /// <summary>KEY=VALUE entries added to (or replacing by key) the image's Env.</summary>
    public IReadOnlyList<string>? Env { get; init; }
    public string? WorkingDir { get; init; }
    public string? User { get; init; }
    public string? Hostname { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    public CgroupLimits Limits { get; init; } = new();
    public string? StopSignal { get; init; }
    public bool Interactive { get; init; }
    public bool Tty { get; init; }
    public bool ReadOnlyRootFs { get; init; }
    public bool AutoRemove { get; init; }
    /// <summary>"none", "host", "bridge" or a network's name; null: <see cref="ContainerStoreOptions.DefaultNetwork"/>.</summary>
    public string? Network { get; init; }
    /// <summary>More names peers on the network resolve the container by.</summary>
    public IReadOnlyList<string> NetworkAliases { get; init; } = [];
    /// <summary>Docker's -p forms: "80", "8080:80", "127.0.0.1:8080:80", each with an optional "/tcp" or "/udp".</summary>
    public IReadOnlyList<string> Publish { get; init; } = [];
    /// <summary>Docker's -v forms: "/host/path:/dest[:ro]", "name:/dest[:ro]", "/dest".</summary>
    public IReadOnlyList<string> Volumes { get; init; } = [];
    /// <summary>"/dest[:size=64m,mode=1777,...]".</summary>
    public IReadOnlyList<string> Tmpfs { get; init; } = [];
    /// <summary>Docker's --mount forms: "type=bind|volume|tmpfs,source=..,target=..[,readonly]".</summary>
    public IReadOnlyList<string> Mounts { get; init; } = [];
    /// <summary>Docker's --device forms: "/dev/fuse", "/dev/fuse:/dev/fuse", "/dev/fuse:rw", "/dev/fuse:/dev/fuse:rwm".</summary>
    public IReadOnlyList<string> Devices { get; init; } = [];
    /// <summary>Docker's --privileged: every capability and host device, no seccomp filter, no masked or read-only paths, writable /sys.</summary>
    public bool Privileged { get; init; }

    // Services (docs/processes.md, "Restart policies"): what keeps the container up and how it is stopped.
    /// <summary>Docker's --restart: no, on-failure[:max], always, unless-stopped; null: no.</summary>
    public string? RestartPolicy { get; init; }
    /// <summary>How long Stop waits after the stop signal before SIGKILL; null: the image's, else 10 seconds.</summary>
    public TimeSpan? StopTimeout { get; init; }
    /// <summary>Docker's --init: a small init (the host's tini) as PID 1 that forwards signals and reaps zombies.</summary>
    public bool Init { get; init; }
    /// <summary>Docker's --health-cmd (run by /bin/sh -c in the container); null: the image's HEALTHCHECK.</summary>
    public string? HealthCommand { get; init; }
    /// <summary>Docker's Healthcheck.Test as the API sends it: ["CMD", program, args...] or ["CMD-SHELL", command]; replaces <see cref="HealthCommand"/>.</summary>
    public IReadOnlyList<string>? HealthTest { get; init; }
    public TimeSpan? HealthInterval { get; init; }
    public TimeSpan? HealthTimeout { get; init; }
    public TimeSpan? HealthStartPeriod { get; init; }
    public int? HealthRetries { get; init; }
    /// <summary>Docker's --no-healthcheck: no probe, even if the image has a HEALTHCHECK.</summary>
    public bool NoHealthcheck { get; init; }
    /// <summary>Podman's --health-on-failure: none, kill, restart or stop.</summary>
    public string? HealthOnFailure { get; init; }
    /// <summary>json-file's max-size in bytes; null: no limit.</summary>
    public long? LogMaxSize { get; init; }
    /// <summary>json-file's max-file (default 1); needs <see cref="LogMaxSize"/>.</summary>
    public int? LogMaxFiles { get; init; }
    /// <summary>--cap-add/--cap-drop, --security-opt, --ulimit, --sysctl, --oom-score-adj, --shm-size, --group-add.</summary>
    public ConfinementOptions Confinement { get; init; } = new();
    /// <summary>-UserNamespace: "host" (null, the default), "auto" or "auto:size=N" (Podman's --userns=auto).</summary>
    public string? UserNamespace { get; init; }
    /// <summary>Podman's --uidmap/--gidmap: "containerId:hostId:size" lines of the user namespace's maps.</summary>
    public IReadOnlyList<string> UidMap { get; init; } = [];
    public IReadOnlyList<string> GidMap { get; init; } = [];
}
