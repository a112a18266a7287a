using System.Globalization;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.OciRuntime.Cgroups;

/// <summary>A container cgroup on v1 hierarchies: one directory per controller.</summary>
public sealed class CgroupV1 : Cgroup
{
    /// <summary>The controllers a container joins; the others stay with the caller's cgroups.</summary>
    /// <remarks>blkio only for its statistics; it is joined when the host mounts it. devices holds the device rules.</remarks>
    public static readonly string[] Controllers = ["memory", "cpu", "cpuacct", "pids", "freezer", "blkio", "devices"];

    internal CgroupV1(CgroupHandle handle) : base(handle) { }

    internal static CgroupV1 Create(CgroupHost host, string name, string? parent, bool joinExisting, IReadOnlyCollection<string> extraControllers)
    {
        var handle = new CgroupHandle { Version = CgroupVersion.V1 };
        var selfCgroup = parent is null ? host.ReadSelfCgroup() : [];
        try
        {
            foreach (var controller in extraControllers.Count == 0 ? Controllers : Controllers.Concat(extraControllers).Distinct())
            {
                var root = host.HierarchyRoot(controller);
                if (!Directory.Exists(root)) continue;
                var dir = ContainerDirectory(host, controller, name, parent, selfCgroup);
                var parentsBefore = handle.CreatedParents.Count;
                CreateDirectory(root, dir, handle.CreatedParents, joinExisting);
                handle.Directories[controller] = dir;
                if (controller == "cpuset") InheritCpuset(handle.CreatedParents.Skip(parentsBefore).Append(dir));
            }
        }
        catch
        {
            new CgroupV1(handle).Delete(TimeSpan.Zero);
            throw;
        }
        if (!handle.Directories.ContainsKey("memory") || !handle.Directories.ContainsKey("freezer"))
        {
            new CgroupV1(handle).Delete(TimeSpan.Zero);
            throw new ContainerToolsException(ErrorIds.CgroupControllerUnavailable,
                "The memory and freezer cgroup v1 controllers are required but not mounted.", host.Root);
        }
        return new CgroupV1(handle);
    }

    /// <summary>
    /// A new v1 cpuset cgroup starts with no CPUs and no memory nodes, and nothing can join it until both are set: each
    /// directory made gets its parent's (top down), as runc and crun do. An existing directory keeps what it has.
    /// </summary>
    private static void InheritCpuset(IEnumerable<string> directories)
    {
        foreach (var dir in directories)
        {
            foreach (var file in new[] { "cpuset.cpus", "cpuset.mems" })
            {
                if (!string.IsNullOrWhiteSpace(CgroupFiles.TryRead(dir, file))) continue;
                var inherited = CgroupFiles.TryRead(Path.GetDirectoryName(dir)!, file)?.Trim();
                if (!string.IsNullOrEmpty(inherited)) CgroupFiles.Write(dir, file, inherited);
            }
        }
    }

    private string? Dir(string controller) => Handle.Directories.GetValueOrDefault(controller);

    private string Require(string controller) => Dir(controller) ?? throw new ContainerToolsException(
        ErrorIds.CgroupControllerUnavailable, $"The '{controller}' cgroup controller is not available.", controller);

    public override void SetLimits(CgroupLimits limits)
    {
        if (limits.MemoryBytes is { } memory)
        {
            CgroupFiles.Write(Require("memory"), "memory.limit_in_bytes", memory.ToString(CultureInfo.InvariantCulture));
        }
        if (limits.Cpus is { } cpus)
        {
            const long period = 100_000;
            var dir = Require("cpu");
            CgroupFiles.Write(dir, "cpu.cfs_period_us", period.ToString(CultureInfo.InvariantCulture));
            CgroupFiles.Write(dir, "cpu.cfs_quota_us", Math.Max(1000, (long)Math.Round(cpus * period)).ToString(CultureInfo.InvariantCulture));
        }
        if (limits.Pids is { } pids)
        {
            CgroupFiles.Write(Require("pids"), "pids.max", pids.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// The normal form of the rules, default first ("a" to devices.deny resets a new cgroup's inherited list), then each
    /// exception to the other file, as runc does for a cgroup nobody has joined yet.
    /// </summary>
    public override void ApplyDeviceRules(DeviceRuleSet rules)
    {
        if (rules.AllowsEverything && Dir("devices") is null) return;
        var dir = Require("devices");
        CgroupFiles.WriteEach(dir, rules.Normalized().Select(rule => (rule.Allow ? "devices.allow" : "devices.deny", rule.CgroupV1Text)));
    }

    public override void Freeze()
    {
        var dir = Require("freezer");
        CgroupFiles.Write(dir, "freezer.state", "FROZEN");
        // The kernel reports FREEZING until every task has stopped; writing FROZEN again nudges stragglers.
        var frozen = CgroupFiles.WaitUntil(() =>
        {
            if (ReadFreezerState(dir) == "FROZEN") return true;
            CgroupFiles.Write(dir, "freezer.state", "FROZEN");
            return false;
        }, TimeSpan.FromSeconds(10));
        if (!frozen)
        {
            CgroupFiles.Write(dir, "freezer.state", "THAWED");
            throw new ContainerToolsException(ErrorIds.CgroupFreezeFailed, "The cgroup did not freeze within 10 seconds.", dir);
        }
    }

    public override void Thaw()
    {
        var dir = Require("freezer");
        CgroupFiles.Write(dir, "freezer.state", "THAWED");
        CgroupFiles.WaitUntil(() => ReadFreezerState(dir) == "THAWED", TimeSpan.FromSeconds(10));
    }

    public override bool IsFrozen => Dir("freezer") is { } dir && ReadFreezerState(dir) == "FROZEN";

    private static string? ReadFreezerState(string dir) => CgroupFiles.TryRead(dir, "freezer.state")?.Trim();

    public override CgroupStats ReadStats()
    {
        long? usage = null, limit = null, cpu = null, pids = null;
        if (Dir("memory") is { } memory)
        {
            usage = CgroupFiles.TryReadNumber(memory, "memory.usage_in_bytes");
            limit = CgroupFiles.TryReadNumber(memory, "memory.limit_in_bytes");
            // v1 reports "unlimited" as a huge page-aligned number.
            if (limit >= long.MaxValue / 2) limit = null;
        }
        if (Dir("cpuacct") is { } cpuacct) cpu = CgroupFiles.TryReadNumber(cpuacct, "cpuacct.usage");
        if (Dir("pids") is { } pidsDir) pids = CgroupFiles.TryReadNumber(pidsDir, "pids.current");
        return new CgroupStats(usage, limit, cpu, pids);
    }

    public override BlockIoStats ReadBlockIo()
    {
        if (Dir("blkio") is not { } blkio) return new BlockIoStats(null, null);
        // The throttle files count every bio whatever the I/O scheduler; the CFQ/BFQ ones only exist with those schedulers.
        foreach (var file in new[] { "blkio.throttle.io_service_bytes_recursive", "blkio.throttle.io_service_bytes", "blkio.bfq.io_service_bytes_recursive", "blkio.io_service_bytes_recursive", "blkio.io_service_bytes" })
        {
            if (CgroupFiles.TryRead(blkio, file) is { } text) return BlockIoText.ParseV1(text);
        }
        return new BlockIoStats(null, null);
    }

    public override long OomKillCount()
    {
        if (Dir("memory") is not { } memory) return 0;
        // oom_kill exists since Linux 4.13; older kernels only count limit hits.
        return CgroupFiles.TryReadKey(memory, "memory.oom_control", "oom_kill")
            ?? (CgroupFiles.TryReadKey(memory, "memory.oom_control", "under_oom") > 0 ? 1 : 0);
    }

    protected override void KillAllCore()
    {
        // No freezing first: a container is a pid namespace, so killing its PID 1 takes every other process with it,
        // and two killers freezing and thawing one cgroup would wait on each other. A paused container's processes
        // only act on SIGKILL once thawed.
        foreach (var pid in Pids()) Linux.ProcessSignals.TrySend(pid, Linux.ProcessSignals.SIGKILL);
        if (IsFrozen) Thaw();
        KillListedUntilEmpty();
    }
}
