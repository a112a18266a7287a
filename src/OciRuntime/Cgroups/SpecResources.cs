using System.Globalization;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.OciRuntime.Cgroups;

/// <summary>
/// Puts a runtime spec's linux.resources (memory with reservation, swap, swappiness and the OOM killer switch; cpu
/// shares, quota and period; pids; blockIO weights and throttles) into a container's cgroup files, on either version:
/// ctrun's create and update. The engine's own limits go through <see cref="CgroupLimits"/>.
/// </summary>
public static class SpecResources
{
    public static void Apply(Cgroup cgroup, ResourcesSpec resources)
    {
        var v2 = cgroup.Version == CgroupVersion.V2;
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

    private static void Write(Cgroup cgroup, string controller, string file, string value)
    {
        var dir = cgroup.Version == CgroupVersion.V2 ? cgroup.Handle.Directories.Values.First()
            : cgroup.Handle.Directories.GetValueOrDefault(controller)
              ?? throw new ContainerToolsException(ErrorIds.CgroupControllerUnavailable, $"The '{controller}' cgroup controller is not available.", controller);
        CgroupFiles.Write(dir, file, value);
    }
}
