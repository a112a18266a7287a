using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Runtime.Containers.Bundle;

/// <summary>The runtime spec Docker gives a container by default (moby's oci.DefaultSpec and caps.DefaultCapabilities).</summary>
public static class RuntimeSpecDefaults
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>CapEff 00000000a80425fb.</summary>
    public static readonly IReadOnlyList<string> Capabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    public static readonly IReadOnlyList<string> MaskedPaths =
    [
        "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
    ];

    public static readonly IReadOnlyList<string> ReadonlyPaths =
    [
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
    ];

    public static readonly IReadOnlyList<MountSpec> Mounts =
    [
        new() { Destination = "/proc", Type = "proc", Source = "proc", Options = ["nosuid", "noexec", "nodev"] },
        new() { Destination = "/dev", Type = "tmpfs", Source = "tmpfs", Options = ["nosuid", "strictatime", "mode=755", "size=65536k"] },
        new() { Destination = "/dev/pts", Type = "devpts", Source = "devpts", Options = ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"] },
        new() { Destination = "/sys", Type = "sysfs", Source = "sysfs", Options = ["nosuid", "noexec", "nodev", "ro"] },
        new() { Destination = "/dev/mqueue", Type = "mqueue", Source = "mqueue", Options = ["nosuid", "noexec", "nodev"] },
        new() { Destination = "/dev/shm", Type = "tmpfs", Source = "shm", Options = ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
        new() { Destination = "/sys/fs/cgroup", Type = "cgroup", Source = "cgroup", Options = ["ro", "nosuid", "noexec", "nodev", "relatime"] },
    ];

    /// <summary>
    /// The device cgroup rules a Docker container ends up with: moby's default spec denies every device and allows
    /// null, zero, urandom, random, tty and console (refusing fuse again), and runc (crun alike) appends mknod of any
    /// node without opening it, the standard nodes, ptmx, the pts devices and tun. Written here as the one list that
    /// leaves exactly that in force; -Device rules come after it.
    /// </summary>
    public static readonly IReadOnlyList<DeviceCgroupSpec> DeviceRules = StandardDeviceRules.Docker;

    /// <summary>Every device rule of a privileged container: all of them.</summary>
    public static readonly IReadOnlyList<DeviceCgroupSpec> PrivilegedDeviceRules = [new() { Allow = true, Access = "rwm" }];

    /// <summary>Every namespace but user; cgroup too, as Docker does on cgroup v2 and podman everywhere.</summary>
    public static readonly IReadOnlyList<NamespaceSpec> Namespaces =
    [
        new() { Type = "pid" }, new() { Type = "network" }, new() { Type = "ipc" }, new() { Type = "uts" },
        new() { Type = "mount" }, new() { Type = "cgroup" },
    ];

    /// <summary>A complete spec for running <paramref name="args"/> in the bundle's rootfs as root, with Docker's defaults.</summary>
    public static RuntimeSpec Create(IReadOnlyList<string> args, string? hostname = null, IReadOnlyList<string>? env = null, string cwd = "/") => new()
    {
        Process = new ProcessSpec
        {
            Args = args,
            Env = env ?? [$"PATH={DefaultPath}"],
            Cwd = cwd,
            Capabilities = new CapabilitiesSpec
            {
                Bounding = Capabilities,
                Effective = Capabilities,
                Permitted = Capabilities,
                Inheritable = [],
                Ambient = [],
            },
            // Docker's default: off, so that setuid programs (su, ping) work inside.
            NoNewPrivileges = false,
        },
        Root = new RootSpec { Path = "rootfs" },
        Hostname = hostname,
        Mounts = Mounts,
        Linux = new LinuxSpec
        {
            Namespaces = Namespaces,
            MaskedPaths = MaskedPaths,
            ReadonlyPaths = ReadonlyPaths,
            Resources = new ResourcesSpec { Devices = DeviceRules },
        },
    };
}
