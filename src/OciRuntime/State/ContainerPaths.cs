namespace ContainerTools.OciRuntime.State;

/// <summary>The files of one container: StoreRoot.ContainersDirectory/ID/ (see docs/processes.md).</summary>
public sealed record ContainerPaths(string Directory)
{
    public string DefinitionFile => Path.Combine(Directory, "container.json");
    public string StateFile => Path.Combine(Directory, "state.json");
    public string StartedFile => Path.Combine(Directory, "started.json");
    public string ExitFile => Path.Combine(Directory, "exit.json");
    public string LogFile => Path.Combine(Directory, "container.log");
    /// <summary>The health check's state and last results (ctmon, for containers with a health check).</summary>
    public string HealthFile => Path.Combine(Directory, "health.json");
    /// <summary>The health probe's runtime spec with "/proc/CTMON_PID/" for its namespaces (engine, at Start); ctmon puts in the pid.</summary>
    public string HealthProbeTemplateFile => Path.Combine(Directory, "health-probe.json");
    /// <summary>The monitor's pid as plain text (ctmon), for a systemd unit's PIDFile=.</summary>
    public string MonitorPidFile => Path.Combine(Directory, "monitor.pid");
    /// <summary>The OCI bundle: config.json, whose root is <see cref="MergedDirectory"/>.</summary>
    public string BundleDirectory => Path.Combine(Directory, "bundle");
    /// <summary>
    /// The bundle of the exec being launched (config.json, seccomp.bpf linked from <see cref="BundleDirectory"/>): one per
    /// container, used under the container's lock; its config.json is deleted once ctinit has read it (engine, docs/exec.md).
    /// </summary>
    public string ExecBundleDirectory => Path.Combine(Directory, "exec");
    public string UpperDirectory => Path.Combine(Directory, "upper");
    public string WorkDirectory => Path.Combine(Directory, "work");
    /// <summary>The overlay mount point: the container's root filesystem while it runs.</summary>
    public string MergedDirectory => Path.Combine(Directory, "merged");
    /// <summary>The lower layer directories, lowest first, one per line (the monitor remounts nothing, but cleanup and restart need them).</summary>
    public string LayersFile => Path.Combine(Directory, "layers");
    /// <summary>Bind-mounted at /etc/hosts, /etc/resolv.conf and /etc/hostname in the container.</summary>
    public string HostsFile => Path.Combine(Directory, "hosts");
    public string ResolvConfFile => Path.Combine(Directory, "resolv.conf");
    public string HostnameFile => Path.Combine(Directory, "hostname");
    /// <summary>The network namespace's bind mount while a container on a bridge network runs (and until its network is torn down).</summary>
    public string NetnsFile => Path.Combine(Directory, "netns");
}
