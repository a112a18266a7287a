using System.Text.Json.Serialization;

namespace ContainerTools.OciRuntime.Spec;

/// <summary>runtime-spec config.json: the subset of the document this engine writes and ctinit obeys.</summary>
public sealed record RuntimeSpec
{
    [JsonPropertyName("ociVersion")] public string OciVersion { get; init; } = "1.0.2";
    [JsonPropertyName("process")] public ProcessSpec Process { get; init; } = new();
    [JsonPropertyName("root")] public RootSpec Root { get; init; } = new();
    [JsonPropertyName("hostname")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Hostname { get; init; }
    [JsonPropertyName("domainname")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Domainname { get; init; }
    [JsonPropertyName("mounts")] public IReadOnlyList<MountSpec> Mounts { get; init; } = [];
    [JsonPropertyName("annotations")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyDictionary<string, string>? Annotations { get; init; }
    [JsonPropertyName("linux")] public LinuxSpec Linux { get; init; } = new();
    [JsonPropertyName("hooks")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public HooksSpec? Hooks { get; init; }
}

public sealed record ProcessSpec
{
    [JsonPropertyName("terminal")] public bool Terminal { get; init; }
    [JsonPropertyName("user")] public UserSpec User { get; init; } = new();
    [JsonPropertyName("args")] public IReadOnlyList<string> Args { get; init; } = [];
    [JsonPropertyName("env")] public IReadOnlyList<string> Env { get; init; } = [];
    [JsonPropertyName("cwd")] public string Cwd { get; init; } = "/";
    [JsonPropertyName("capabilities")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public CapabilitiesSpec? Capabilities { get; init; }
    [JsonPropertyName("noNewPrivileges")] public bool NoNewPrivileges { get; init; }
    [JsonPropertyName("rlimits")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<RlimitSpec>? Rlimits { get; init; }
    [JsonPropertyName("oomScoreAdj")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? OomScoreAdj { get; init; }
    /// <summary>The size of the pty made for a terminal process; null: 80x24.</summary>
    [JsonPropertyName("consoleSize")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ConsoleSizeSpec? ConsoleSize { get; init; }
}

public sealed record ConsoleSizeSpec
{
    [JsonPropertyName("height")] public uint Height { get; init; }
    [JsonPropertyName("width")] public uint Width { get; init; }
}

public sealed record UserSpec
{
    [JsonPropertyName("uid")] public uint Uid { get; init; }
    [JsonPropertyName("gid")] public uint Gid { get; init; }
    [JsonPropertyName("additionalGids")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<uint>? AdditionalGids { get; init; }
    /// <summary>The program's umask; null is 0022, as in runc.</summary>
    [JsonPropertyName("umask")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public uint? Umask { get; init; }
}

/// <summary>Capability names as runtime-spec spells them ("CAP_CHOWN").</summary>
public sealed record CapabilitiesSpec
{
    [JsonPropertyName("bounding")] public IReadOnlyList<string> Bounding { get; init; } = [];
    [JsonPropertyName("effective")] public IReadOnlyList<string> Effective { get; init; } = [];
    [JsonPropertyName("inheritable")] public IReadOnlyList<string> Inheritable { get; init; } = [];
    [JsonPropertyName("permitted")] public IReadOnlyList<string> Permitted { get; init; } = [];
    [JsonPropertyName("ambient")] public IReadOnlyList<string> Ambient { get; init; } = [];
}

public sealed record RlimitSpec
{
    [JsonPropertyName("type")] public string Type { get; init; } = "";
    [JsonPropertyName("hard")] public ulong Hard { get; init; }
    [JsonPropertyName("soft")] public ulong Soft { get; init; }
}

public sealed record RootSpec
{
    /// <summary>Relative to the bundle directory unless absolute.</summary>
    [JsonPropertyName("path")] public string Path { get; init; } = "rootfs";
    [JsonPropertyName("readonly")] public bool Readonly { get; init; }
}

public sealed record MountSpec
{
    [JsonPropertyName("destination")] public string Destination { get; init; } = "";
    [JsonPropertyName("type")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Type { get; init; }
    [JsonPropertyName("source")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Source { get; init; }
    [JsonPropertyName("options")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Options { get; init; }
}

public sealed record LinuxSpec
{
    [JsonPropertyName("namespaces")] public IReadOnlyList<NamespaceSpec> Namespaces { get; init; } = [];
    [JsonPropertyName("maskedPaths")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? MaskedPaths { get; init; }
    [JsonPropertyName("readonlyPaths")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? ReadonlyPaths { get; init; }
    [JsonPropertyName("resources")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ResourcesSpec? Resources { get; init; }
    /// <summary>An SELinux context for the container's mounts: applied by nobody yet, so refused where SELinux is enabled.</summary>
    [JsonPropertyName("mountLabel")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? MountLabel { get; init; }
    [JsonPropertyName("rootfsPropagation")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? RootfsPropagation { get; init; }
    [JsonPropertyName("cgroupsPath")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? CgroupsPath { get; init; }
    [JsonPropertyName("devices")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<DeviceSpec>? Devices { get; init; }
    /// <summary>The syscall filter ctinit loads last; null: none (unconfined, privileged).</summary>
    [JsonPropertyName("seccomp")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public SeccompSpec? Seccomp { get; init; }
    /// <summary>Namespaced kernel parameters ("net.ipv4.ip_forward" = "1"), written under the container's /proc/sys.</summary>
    [JsonPropertyName("sysctl")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyDictionary<string, string>? Sysctl { get; init; }
    /// <summary>The user namespace's uid_map and gid_map lines (a new user namespace needs both).</summary>
    [JsonPropertyName("uidMappings")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<IdMappingSpec>? UidMappings { get; init; }
    [JsonPropertyName("gidMappings")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<IdMappingSpec>? GidMappings { get; init; }
    /// <summary>The execution domain ctinit sets with personality(2) just before execve.</summary>
    [JsonPropertyName("personality")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public PersonalitySpec? Personality { get; init; }
    /// <summary>Offsets of a new time namespace's clocks, by clock name ("monotonic", "boottime").</summary>
    [JsonPropertyName("timeOffsets")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyDictionary<string, TimeOffsetSpec>? TimeOffsets { get; init; }
}

/// <summary>domain is "LINUX" or "LINUX32"; flags are not defined by the runtime spec yet (any is refused).</summary>
public sealed record PersonalitySpec
{
    [JsonPropertyName("domain")] public string Domain { get; init; } = "";
    [JsonPropertyName("flags")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Flags { get; init; }
}

public sealed record TimeOffsetSpec
{
    [JsonPropertyName("secs")] public long Secs { get; init; }
    [JsonPropertyName("nanosecs")] public uint Nanosecs { get; init; }
}

/// <summary>type is one of pid, network, mount, ipc, uts, cgroup, user; path joins an existing one.</summary>
public sealed record NamespaceSpec
{
    [JsonPropertyName("type")] public string Type { get; init; } = "";
    [JsonPropertyName("path")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Path { get; init; }
}

public sealed record ResourcesSpec
{
    [JsonPropertyName("memory")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public MemoryResources? Memory { get; init; }
    [JsonPropertyName("cpu")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public CpuResources? Cpu { get; init; }
    [JsonPropertyName("pids")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public PidsResources? Pids { get; init; }
    [JsonPropertyName("blockIO")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public BlockIoResources? BlockIo { get; init; }
    /// <summary>The device cgroup rules, in order: a later rule overrides an earlier one for the devices it names.</summary>
    [JsonPropertyName("devices")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<DeviceCgroupSpec>? Devices { get; init; }
    [JsonPropertyName("hugepageLimits")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<HugepageLimitSpec>? HugepageLimits { get; init; }
    [JsonPropertyName("network")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public NetworkResources? Network { get; init; }
}

/// <summary>A limit in bytes for one huge page size ("2MB", "1GB").</summary>
public sealed record HugepageLimitSpec
{
    [JsonPropertyName("pageSize")] public string PageSize { get; init; } = "";
    [JsonPropertyName("limit")] public ulong Limit { get; init; }
}

/// <summary>cgroup v1's net_cls class id and net_prio priorities per interface.</summary>
public sealed record NetworkResources
{
    [JsonPropertyName("classID")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public uint? ClassId { get; init; }
    [JsonPropertyName("priorities")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<InterfacePrioritySpec>? Priorities { get; init; }
}

public sealed record InterfacePrioritySpec
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("priority")] public uint Priority { get; init; }
}

/// <summary>
/// One device cgroup rule (linux.resources.devices[]): type "a" (or none) is every device, whatever major, minor and
/// access say; major or minor null is any; access is some of "rwm" (read, write, mknod).
/// </summary>
public sealed record DeviceCgroupSpec
{
    [JsonPropertyName("allow")] public bool Allow { get; init; }
    [JsonPropertyName("type")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Type { get; init; }
    [JsonPropertyName("major")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Major { get; init; }
    [JsonPropertyName("minor")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Minor { get; init; }
    [JsonPropertyName("access")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Access { get; init; }
}

public sealed record MemoryResources
{
    [JsonPropertyName("limit")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Limit { get; init; }
    [JsonPropertyName("reservation")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Reservation { get; init; }
    /// <summary>Memory plus swap (v1's memsw.limit_in_bytes).</summary>
    [JsonPropertyName("swap")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Swap { get; init; }
    /// <summary>Kernel memory limits (v1): deprecated; Linux 6.x refuses kmem.limit_in_bytes, which is then left as is.</summary>
    [JsonPropertyName("kernel")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Kernel { get; init; }
    [JsonPropertyName("kernelTCP")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? KernelTcp { get; init; }
    [JsonPropertyName("swappiness")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ulong? Swappiness { get; init; }
    [JsonPropertyName("disableOOMKiller")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? DisableOomKiller { get; init; }
}

public sealed record CpuResources
{
    [JsonPropertyName("quota")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Quota { get; init; }
    [JsonPropertyName("period")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ulong? Period { get; init; }
    [JsonPropertyName("shares")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ulong? Shares { get; init; }
    /// <summary>cpuset: the CPUs and memory nodes the container may use ("0-3,7").</summary>
    [JsonPropertyName("cpus")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Cpus { get; init; }
    [JsonPropertyName("mems")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Mems { get; init; }
    /// <summary>Real-time bandwidth (v1 with CONFIG_RT_GROUP_SCHED only).</summary>
    [JsonPropertyName("realtimeRuntime")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? RealtimeRuntime { get; init; }
    [JsonPropertyName("realtimePeriod")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ulong? RealtimePeriod { get; init; }
}

/// <summary>linux.resources.blockIO: weights and per-device throttles.</summary>
public sealed record BlockIoResources
{
    [JsonPropertyName("weight")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ushort? Weight { get; init; }
    [JsonPropertyName("leafWeight")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ushort? LeafWeight { get; init; }
    [JsonPropertyName("weightDevice")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<BlockIoDeviceValue>? WeightDevice { get; init; }
    [JsonPropertyName("throttleReadBpsDevice")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<BlockIoDeviceValue>? ThrottleReadBpsDevice { get; init; }
    [JsonPropertyName("throttleWriteBpsDevice")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<BlockIoDeviceValue>? ThrottleWriteBpsDevice { get; init; }
    [JsonPropertyName("throttleReadIOPSDevice")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<BlockIoDeviceValue>? ThrottleReadIopsDevice { get; init; }
    [JsonPropertyName("throttleWriteIOPSDevice")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<BlockIoDeviceValue>? ThrottleWriteIopsDevice { get; init; }
}

/// <summary>One device's weight (weight, leafWeight) or throttle (rate) in linux.resources.blockIO.</summary>
public sealed record BlockIoDeviceValue
{
    [JsonPropertyName("major")] public long Major { get; init; }
    [JsonPropertyName("minor")] public long Minor { get; init; }
    [JsonPropertyName("weight")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ushort? Weight { get; init; }
    [JsonPropertyName("leafWeight")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ushort? LeafWeight { get; init; }
    [JsonPropertyName("rate")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ulong? Rate { get; init; }
}

public sealed record PidsResources
{
    [JsonPropertyName("limit")] public long Limit { get; init; }
}

/// <summary>A device node ctinit creates in the container's /dev; type is c, b, u or p.</summary>
public sealed record DeviceSpec
{
    [JsonPropertyName("path")] public string Path { get; init; } = "";
    [JsonPropertyName("type")] public string Type { get; init; } = "c";
    [JsonPropertyName("major")] public long Major { get; init; }
    [JsonPropertyName("minor")] public long Minor { get; init; }
    [JsonPropertyName("fileMode")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public uint? FileMode { get; init; }
    [JsonPropertyName("uid")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public uint? Uid { get; init; }
    [JsonPropertyName("gid")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public uint? Gid { get; init; }
}
