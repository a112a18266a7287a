using System.Collections;
using System.Globalization;
using System.Management.Automation;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Security;

namespace ContainerTools.Cmdlets.Common;

/// <summary>
/// The parameters New-Container and Invoke-ContainerImage share (docker create / docker run), and how they become
/// the engine's <see cref="ContainerCreateOptions"/>. Anything left out falls back to the image's config.
/// </summary>
public abstract class ContainerCreateCmdlet : ContainerToolsCmdlet
{
    /// <summary>An image name or id; a piped ContainerImage binds its Reference.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias(ImageParameter.ReferenceAlias)]
    [ArgumentCompleter(typeof(ImageNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Image { get; set; } = "";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter(Position = 1)]
    [Alias("Cmd")]
    public string[]? Command { get; set; }

    [Parameter]
    public string[]? Entrypoint { get; set; }

    [Parameter]
    [Alias("Env")]
    public Hashtable? Environment { get; set; }

    [Parameter]
    [Alias("WorkDir")]
    public string? WorkingDirectory { get; set; }

    /// <summary>uid[:gid] or a user name from the image's /etc/passwd.</summary>
    [Parameter]
    public string? User { get; set; }

    [Parameter]
    public string? Hostname { get; set; }

    [Parameter]
    public Hashtable? Label { get; set; }

    /// <summary>Bytes; PowerShell's 256MB works.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long Memory { get; set; }

    [Parameter]
    [ValidateRange(0.01, 1024.0)]
    public double Cpus { get; set; }

    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long PidsLimit { get; set; }

    [Parameter]
    public SwitchParameter ReadOnlyRootFilesystem { get; set; }

    [Parameter]
    public SwitchParameter Interactive { get; set; }

    [Parameter]
    public SwitchParameter Tty { get; set; }

    /// <summary>"bridge" (the default), "none", "host" or the name of a network made with New-ContainerNetwork.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Network { get; set; }

    /// <summary>More names peers on the network resolve this container by.</summary>
    [Parameter]
    public string[]? NetworkAlias { get; set; }

    /// <summary>Docker's -p: 80, 8080:80, 127.0.0.1:8080:80, 127.0.0.1::80, each with an optional /tcp or /udp.</summary>
    [Parameter]
    [Alias("p")]
    public string[]? Publish { get; set; }

    /// <summary>Docker's -v: /host/path:/dest[:ro], name:/dest[:ro], /dest.</summary>
    [Parameter]
    [Alias("v")]
    public string[]? Volume { get; set; }

    /// <summary>/dest[:size=64m,mode=1777,...].</summary>
    [Parameter]
    public string[]? Tmpfs { get; set; }

    /// <summary>Docker's --mount: type=bind|volume|tmpfs,source=..,target=..[,readonly].</summary>
    [Parameter]
    public string[]? Mount { get; set; }

    /// <summary>Docker's --device: /dev/fuse, /dev/fuse:/dev/fuse, /dev/fuse:rw, /dev/fuse:/dev/fuse:rwm.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Device { get; set; }

    /// <summary>Docker's --privileged: every capability and host device, no seccomp filter, no masked or read-only paths, writable /sys.</summary>
    [Parameter]
    public SwitchParameter Privileged { get; set; }

    // Services (docs/processes.md, "Restart policies").
    /// <summary>Docker's --restart: no, on-failure[:max-retries], always, unless-stopped.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(RestartPolicyCompleter))]
    [ValidateNotNullOrEmpty]
    public string? RestartPolicy { get; set; }

    /// <summary>The signal Stop-Container sends first (default: the image's STOPSIGNAL, else SIGTERM).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? StopSignal { get; set; }

    /// <summary>How long Stop-Container waits after the stop signal before SIGKILL (default 10 s): a TimeSpan, seconds, or '30s'.</summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan? StopTimeout { get; set; }

    /// <summary>Docker's --init: the host's tini as PID 1, forwarding signals to the program and reaping zombies.</summary>
    [Parameter]
    public SwitchParameter Init { get; set; }

    /// <summary>Docker's --health-cmd: run by /bin/sh -c in the container; exit 0 is healthy.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? HealthCommand { get; set; }

    /// <summary>Time between probes (default 30 s): a TimeSpan, or Docker's '30s', '500ms', '2m'.</summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan? HealthInterval { get; set; }

    /// <summary>How long a probe may run before it counts as failed (default 30 s).</summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan? HealthTimeout { get; set; }

    /// <summary>Failures in this time after the start do not count (default 0).</summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan? HealthStartPeriod { get; set; }

    /// <summary>Consecutive failures that make the container unhealthy (default 3).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? HealthRetries { get; set; }

    /// <summary>Docker's --no-healthcheck: no probe, even if the image has a HEALTHCHECK.</summary>
    [Parameter]
    public SwitchParameter NoHealthcheck { get; set; }

    /// <summary>Podman's --health-on-failure: what ctmon does once the container is unhealthy.</summary>
    [Parameter]
    [ValidateSet("none", "kill", "restart", "stop")]
    public string? HealthOnFailure { get; set; }

    /// <summary>json-file's max-size: container.log rotates past this many bytes (PowerShell's 10MB works).</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long? LogMaxSize { get; set; }

    /// <summary>json-file's max-file: how many log files are kept, the current one included (default 1).</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int? LogMaxFiles { get; set; }
    // Confinement (docker run --cap-add, --cap-drop, --security-opt, --ulimit, --sysctl, --oom-score-adj, --shm-size, --group-add).

    /// <summary>Capabilities on top of Docker's default set: NET_ADMIN or CAP_NET_ADMIN, or ALL.</summary>
    [Parameter]
    [Alias("CapAdd")]
    [ArgumentCompleter(typeof(CapabilityNameCompleter))]
    public string[]? CapabilityAdd { get; set; }

    /// <summary>Capabilities taken from Docker's default set, or ALL (then only -CapabilityAdd's remain).</summary>
    [Parameter]
    [Alias("CapDrop")]
    [ArgumentCompleter(typeof(CapabilityNameCompleter))]
    public string[]? CapabilityDrop { get; set; }

    /// <summary>seccomp=unconfined, seccomp=PROFILE.json, no-new-privileges[=true|false].</summary>
    [Parameter]
    [Alias("SecurityOpt")]
    public string[]? SecurityOption { get; set; }

    /// <summary>NAME=SOFT[:HARD], such as nofile=1024:2048; -1 is unlimited.</summary>
    [Parameter]
    public string[]? Ulimit { get; set; }

    /// <summary>NAME=VALUE of a namespaced kernel parameter, such as net.ipv4.ip_unprivileged_port_start=0.</summary>
    [Parameter]
    public string[]? Sysctl { get; set; }

    [Parameter]
    [ValidateRange(-1000, 1000)]
    public int OomScoreAdjust { get; set; }

    /// <summary>Bytes of /dev/shm; PowerShell's 128MB works. Docker's default is 64MB.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long ShmSize { get; set; }

    /// <summary>More groups for the container's process: gids or group names from the image's /etc/group.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? GroupAdd { get; set; }

    /// <summary>host (the default: no user namespace), auto or auto:size=N (a range of host ids no other container of the store has).</summary>
    [Parameter]
    [Alias("Userns")]
    public string? UserNamespace { get; set; }

    /// <summary>containerId:hostId:size lines of the container's uid map (a user namespace of its own), as podman --uidmap.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? UidMap { get; set; }

    /// <summary>containerId:hostId:size lines of the gid map; default: -UidMap's.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? GidMap { get; set; }

    protected ContainerCreateOptions CreateOptions(bool autoRemove = false) => new()
    {
        Image = Image,
        Name = Name,
        Command = Command,
        Entrypoint = Entrypoint,
        Env = Environment?.Cast<DictionaryEntry>().Select(e => $"{e.Key}={Text(e.Value)}").ToList(),
        WorkingDir = WorkingDirectory,
        User = User,
        Hostname = Hostname,
        Labels = Label?.Cast<DictionaryEntry>().ToDictionary(e => Text(e.Key), e => Text(e.Value), StringComparer.Ordinal),
        Limits = new CgroupLimits
        {
            MemoryBytes = MyInvocation.BoundParameters.ContainsKey(nameof(Memory)) ? Memory : null,
            Cpus = MyInvocation.BoundParameters.ContainsKey(nameof(Cpus)) ? Cpus : null,
            Pids = MyInvocation.BoundParameters.ContainsKey(nameof(PidsLimit)) ? PidsLimit : null,
        },
        ReadOnlyRootFs = ReadOnlyRootFilesystem.IsPresent,
        Interactive = Interactive.IsPresent,
        Tty = Tty.IsPresent,
        AutoRemove = autoRemove,
        Network = Network,
        NetworkAliases = NetworkAlias ?? [],
        Publish = Publish ?? [],
        Volumes = Volume ?? [],
        Tmpfs = Tmpfs ?? [],
        Mounts = Mount ?? [],
        Devices = Device ?? [],
        Privileged = Privileged.IsPresent,
        RestartPolicy = RestartPolicy,
        StopSignal = StopSignal,
        StopTimeout = StopTimeout,
        Init = Init.IsPresent,
        HealthCommand = HealthCommand,
        HealthInterval = HealthInterval,
        HealthTimeout = HealthTimeout,
        HealthStartPeriod = HealthStartPeriod,
        HealthRetries = HealthRetries,
        NoHealthcheck = NoHealthcheck.IsPresent,
        HealthOnFailure = HealthOnFailure,
        LogMaxSize = LogMaxSize,
        LogMaxFiles = LogMaxFiles,
        Confinement = new ConfinementOptions
        {
            CapabilityAdd = CapabilityAdd ?? [],
            CapabilityDrop = CapabilityDrop ?? [],
            SecurityOptions = (SecurityOption ?? []).Select(ResolveProfilePath).ToList(),
            Ulimits = Ulimit ?? [],
            Sysctls = Sysctl ?? [],
            OomScoreAdjust = MyInvocation.BoundParameters.ContainsKey(nameof(OomScoreAdjust)) ? OomScoreAdjust : null,
            ShmSize = MyInvocation.BoundParameters.ContainsKey(nameof(ShmSize)) ? ShmSize : null,
            GroupAdd = GroupAdd ?? [],
        },
        UserNamespace = UserNamespace,
        UidMap = UidMap ?? [],
        GidMap = GidMap ?? [],
    };

    /// <summary>seccomp=PATH relative to PowerShell's location, not the process's working directory.</summary>
    private string ResolveProfilePath(string option)
    {
        var separator = option.IndexOfAny(['=', ':']);
        if (separator < 0 || option[..separator].Trim() != "seccomp") return option;
        var value = option[(separator + 1)..].Trim();
        return value is "" or "unconfined" ? option : "seccomp=" + SessionState.Path.GetUnresolvedProviderPathFromPSPath(value);
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        PSObject ps => Text(ps.BaseObject),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
