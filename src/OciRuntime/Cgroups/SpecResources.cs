using System.Globalization;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.OciRuntime.Cgroups;

/// <summary>
/// Puts a runtime spec's linux.resources (memory with reservation, swap, swappiness and the OOM killer switch; cpu
/// shares, quota, period, real-time bandwidth, cpuset cpus and mems; pids; blockIO weights and throttles; hugepage
/// limits; net_cls and net_prio) into a container's cgroup files, on either version: ctrun's create and update. The
/// engine's own limits go through <see cref="CgroupLimits"/>.
/// </summary>
public static class SpecResources
{
    /// <summary>The controllers beyond the usual ones (<see cref="Cgroup.Create"/>) that <paramref name="resources"/> needs.</summary>
    public static IReadOnlyCollection<string> Controllers(ResourcesSpec? resources)
    {
        var controllers = new List<string>();
        // Any cpu section: runc and crun place every container in the cpuset hierarchy; the validation suite reads the
        // container's cpuset files whenever it sets cpu limits.
        if (resources?.Cpu is not null) controllers.Add("cpuset");
        if (resources?.HugepageLimits is { Count: > 0 }) controllers.Add("hugetlb");
        if (resources?.Network?.ClassId is not null) controllers.Add("net_cls");
        if (resources?.Network?.Priorities is { Count: > 0 }) controllers.Add("net_prio");
        return controllers;
    }

    public static void Apply(Cgroup cgroup, ResourcesSpec resources)
    {
        var v2 = cgroup.Version == CgroupVersion.V2;
        if (resources.Cpu is { } cpuset)
        {
            // Mems first: the kernel checks cpus and mems against the parent's each on its own, but a task needs both.
            if (!string.IsNullOrEmpty(cpuset.Mems)) Write(cgroup, "cpuset", "cpuset.mems", cpuset.Mems);
            if (!string.IsNullOrEmpty(cpuset.Cpus)) Write(cgroup, "cpuset", "cpuset.cpus", cpuset.Cpus);
        }
        if (resources.Cpu is { } realtime && (realtime.RealtimePeriod is not null || realtime.RealtimeRuntime is not null)) ApplyRealtime(cgroup, realtime, v2);
        if (resources.HugepageLimits is { } hugepages) ApplyHugepages(cgroup, hugepages, v2);
        if (resources.Network is { } network) ApplyNetwork(cgroup, network, v2);
        if (resources.Memory?.Limit is { } memory)
        {
            if (v2) Write(cgroup, "memory", "memory.max", memory < 0 ? "max" : Number(memory));
            else Write(cgroup, "memory", "memory.limit_in_bytes", Number(memory));
        }
        if (resources.Memory is { } more) ApplyMemory(cgroup, more, v2);
        if (resources.Cpu?.Shares is { } shares)
        {
            // v2's weight from v1's shares, as runc and crun convert them (2..262144 onto 1..10000).
            if (v2) Write(cgroup, "cpu", "cpu.weight", (1 + ((Math.Clamp(shares, 2UL, 262144UL) - 2) * 9999) / 262142).ToString(CultureInfo.InvariantCulture));
            else Write(cgroup, "cpu", "cpu.shares", shares.ToString(CultureInfo.InvariantCulture));
        }
        if (resources.BlockIo is { } blockIo) ApplyBlockIo(cgroup, blockIo, v2);
        if (resources.Cpu is { } cpu && (cpu.Quota is not null || cpu.Period is not null))
        {
            if (v2)
            {
                var quota = cpu.Quota is null or < 0 ? "max" : Number(cpu.Quota.Value);
                Write(cgroup, "cpu", "cpu.max", cpu.Period is { } period ? $"{quota} {period}" : quota);
            }
            else
            {
                // The period first: the kernel checks a quota against the period in force.
                if (cpu.Period is { } period) Write(cgroup, "cpu", "cpu.cfs_period_us", period.ToString(CultureInfo.InvariantCulture));
                if (cpu.Quota is { } quota) Write(cgroup, "cpu", "cpu.cfs_quota_us", Number(quota));
            }
        }
        if (resources.Pids is { } pids)
            Write(cgroup, "pids", "pids.max", pids.Limit <= 0 ? "max" : Number(pids.Limit));
    }

    private static void ApplyMemory(Cgroup cgroup, MemoryResources memory, bool v2)
    {
        if (v2)
        {
            if (memory.Reservation is { } low) Write(cgroup, "memory", "memory.low", low < 0 ? "max" : Number(low));
            // v1's swap is memory plus swap; v2's swap.max is swap alone.
            if (memory.Swap is { } swap) Write(cgroup, "memory", "memory.swap.max", swap < 0 ? "max" : Number(Math.Max(0, swap - (memory.Limit ?? 0))));
            if (memory.Swappiness is not null || memory.DisableOomKiller is true)
                throw new ContainerToolsException(ErrorIds.RuntimeSpecFieldNotSupported, "linux.resources.memory.swappiness and disableOOMKiller exist only on cgroup v1.", "linux.resources.memory");
            return;
        }
        if (memory.Reservation is { } reservation) Write(cgroup, "memory", "memory.soft_limit_in_bytes", Number(reservation));
        if (memory.Swap is { } total) Write(cgroup, "memory", "memory.memsw.limit_in_bytes", Number(total));
        if (memory.Swappiness is { } swappiness) Write(cgroup, "memory", "memory.swappiness", swappiness.ToString(CultureInfo.InvariantCulture));
        if (memory.DisableOomKiller is true) Write(cgroup, "memory", "memory.oom_control", "1");
        if (memory.KernelTcp is { } tcp) Write(cgroup, "memory", "memory.kmem.tcp.limit_in_bytes", Number(tcp));
        // Deprecated, and refused by Linux 5.16 and later (EOPNOTSUPP): runc ignores it likewise.
        if (memory.Kernel is { } kernel)
        {
            try { Write(cgroup, "memory", "memory.kmem.limit_in_bytes", Number(kernel)); }
            catch (ContainerToolsException) { }
        }
    }

    private static void ApplyBlockIo(Cgroup cgroup, BlockIoResources blockIo, bool v2)
    {
        if (v2)
        {
            // io.weight is 1..10000 where blkio.weight was 10..1000; throttles become io.max lines.
            if (blockIo.Weight is { } weight) Write(cgroup, "io", "io.weight", Number(Math.Clamp((long)weight * 10, 1, 10000)));
            foreach (var device in blockIo.WeightDevice ?? [])
                if (device.Weight is { } w) Write(cgroup, "io", "io.weight", $"{device.Major}:{device.Minor} {Math.Clamp((long)w * 10, 1, 10000)}");
            Throttles(cgroup, "io.max", blockIo.ThrottleReadBpsDevice, "rbps");
            Throttles(cgroup, "io.max", blockIo.ThrottleWriteBpsDevice, "wbps");
            Throttles(cgroup, "io.max", blockIo.ThrottleReadIopsDevice, "riops");
            Throttles(cgroup, "io.max", blockIo.ThrottleWriteIopsDevice, "wiops");
            if (blockIo.LeafWeight is not null)
                throw new ContainerToolsException(ErrorIds.RuntimeSpecFieldNotSupported, "linux.resources.blockIO.leafWeight exists only on cgroup v1.", "linux.resources.blockIO.leafWeight");
            return;
        }
        if (blockIo.Weight is { } v1Weight) Write(cgroup, "blkio", "blkio.weight", Number(v1Weight));
        if (blockIo.LeafWeight is { } leaf) Write(cgroup, "blkio", "blkio.leaf_weight", Number(leaf));
        foreach (var device in blockIo.WeightDevice ?? [])
        {
            if (device.Weight is { } w) Write(cgroup, "blkio", "blkio.weight_device", $"{device.Major}:{device.Minor} {w}");
            if (device.LeafWeight is { } l) Write(cgroup, "blkio", "blkio.leaf_weight_device", $"{device.Major}:{device.Minor} {l}");
        }
        Throttles(cgroup, "blkio.throttle.read_bps_device", blockIo.ThrottleReadBpsDevice, null);
        Throttles(cgroup, "blkio.throttle.write_bps_device", blockIo.ThrottleWriteBpsDevice, null);
        Throttles(cgroup, "blkio.throttle.read_iops_device", blockIo.ThrottleReadIopsDevice, null);
        Throttles(cgroup, "blkio.throttle.write_iops_device", blockIo.ThrottleWriteIopsDevice, null);
    }

    /// <summary>
    /// cpu.rt_period_us and cpu.rt_runtime_us (v1 only). A cgroup's runtime must fit in its parent's, and a new cgroup
    /// has none: the parents this container's creation made get the same bandwidth first, top down.
    /// </summary>
    private static void ApplyRealtime(Cgroup cgroup, CpuResources cpu, bool v2)
    {
        if (v2) throw new ContainerToolsException(ErrorIds.RuntimeSpecFieldNotSupported, "linux.resources.cpu.realtimeRuntime and realtimePeriod exist only on cgroup v1.", "linux.resources.cpu.realtimeRuntime");
        var dir = ControllerDirectory(cgroup, "cpu");
        if (!File.Exists(Path.Combine(dir, "cpu.rt_runtime_us")))
            throw new ContainerToolsException(ErrorIds.RuntimeSpecFieldNotSupported, "linux.resources.cpu.realtimeRuntime and realtimePeriod need a kernel with CONFIG_RT_GROUP_SCHED (no cpu.rt_runtime_us here).", "linux.resources.cpu.realtimeRuntime");
        foreach (var target in cgroup.Handle.CreatedParents.Where(parent => dir.StartsWith(parent + "/", StringComparison.Ordinal)).Append(dir))
        {
            if (cpu.RealtimePeriod is { } period) CgroupFiles.Write(target, "cpu.rt_period_us", period.ToString(CultureInfo.InvariantCulture));
            if (cpu.RealtimeRuntime is { } runtime) CgroupFiles.Write(target, "cpu.rt_runtime_us", Number(runtime));
        }
    }

    /// <summary>hugetlb.SIZE.limit_in_bytes (v1) or hugetlb.SIZE.max (v2); SIZE as the kernel names it ("2MB", "1GB").</summary>
    private static void ApplyHugepages(Cgroup cgroup, IReadOnlyList<HugepageLimitSpec> limits, bool v2)
    {
        foreach (var limit in limits)
        {
            if (limit.PageSize.Length == 0 || limit.PageSize.Contains('/') || limit.PageSize.Contains('.'))
                throw new ContainerToolsException(ErrorIds.RuntimeSpecFieldNotSupported, $"'{limit.PageSize}' is not a huge page size.", "linux.resources.hugepageLimits");
            var file = v2 ? $"hugetlb.{limit.PageSize}.max" : $"hugetlb.{limit.PageSize}.limit_in_bytes";
            var dir = ControllerDirectory(cgroup, "hugetlb");
            if (!File.Exists(Path.Combine(dir, file)))
                throw new ContainerToolsException(ErrorIds.RuntimeSpecFieldNotSupported, $"This kernel has no {limit.PageSize} huge pages (no {file}).", "linux.resources.hugepageLimits");
            CgroupFiles.Write(dir, file, limit.Limit.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>net_cls.classid and net_prio.ifpriomap: cgroup v1 only (v2 has neither controller).</summary>
    private static void ApplyNetwork(Cgroup cgroup, NetworkResources network, bool v2)
    {
        if (v2 && (network.ClassId is not null || network.Priorities is { Count: > 0 }))
            throw new ContainerToolsException(ErrorIds.RuntimeSpecFieldNotSupported, "linux.resources.network (net_cls, net_prio) exists only on cgroup v1.", "linux.resources.network");
        if (network.ClassId is { } classId) Write(cgroup, "net_cls", "net_cls.classid", classId.ToString(CultureInfo.InvariantCulture));
        foreach (var priority in network.Priorities ?? [])
            Write(cgroup, "net_prio", "net_prio.ifpriomap", $"{priority.Name} {priority.Priority.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>One line per device: "MAJ:MIN RATE" (v1), "MAJ:MIN KEY=RATE" (v2's io.max).</summary>
    private static void Throttles(Cgroup cgroup, string file, IReadOnlyList<BlockIoDeviceValue>? devices, string? v2Key)
    {
        foreach (var device in devices ?? [])
        {
            var rate = (device.Rate ?? 0).ToString(CultureInfo.InvariantCulture);
            Write(cgroup, v2Key is null ? "blkio" : "io", file, v2Key is null ? $"{device.Major}:{device.Minor} {rate}" : $"{device.Major}:{device.Minor} {v2Key}={rate}");
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Write(Cgroup cgroup, string controller, string file, string value) =>
        CgroupFiles.Write(ControllerDirectory(cgroup, controller), file, value);

    private static string ControllerDirectory(Cgroup cgroup, string controller) =>
        cgroup.Version == CgroupVersion.V2 ? cgroup.Handle.Directories.Values.First()
            : cgroup.Handle.Directories.GetValueOrDefault(controller)
              ?? throw new ContainerToolsException(ErrorIds.CgroupControllerUnavailable, $"The '{controller}' cgroup controller is not available: not mounted on this host (cgroup v1), or the container was created without it.", controller);
}
