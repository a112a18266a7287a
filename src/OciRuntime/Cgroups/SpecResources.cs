using System.Globalization;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.OciRuntime.Cgroups;

/// <summary>
/// Puts a runtime spec's linux.resources (memory, cpu, pids) into a container's cgroup files, on either version:
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

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Write(Cgroup cgroup, string controller, string file, string value)
    {
        var dir = cgroup.Version == CgroupVersion.V2 ? cgroup.Handle.Directories.Values.First()
            : cgroup.Handle.Directories.GetValueOrDefault(controller)
              ?? throw new ContainerToolsException(ErrorIds.CgroupControllerUnavailable, $"The '{controller}' cgroup controller is not available.", controller);
        CgroupFiles.Write(dir, file, value);
    }
}
