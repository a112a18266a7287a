namespace ContainerTools.OciRuntime.Cgroups;

public enum CgroupVersion
{
    /// <summary>One hierarchy per controller (/sys/fs/cgroup/memory, /sys/fs/cgroup/cpu, ...); hybrid hosts count as v1.</summary>
    V1 = 1,
    /// <summary>The unified hierarchy: cgroup2 mounted at the root, with cgroup.controllers.</summary>
    V2 = 2,
}
