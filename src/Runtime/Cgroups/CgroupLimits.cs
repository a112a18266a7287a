using System.Text.Json.Serialization;

namespace ContainerTools.Runtime.Cgroups;

/// <summary>Resource limits for one container; null means unlimited.</summary>
public sealed record CgroupLimits
{
    [JsonPropertyName("memoryBytes")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? MemoryBytes { get; init; }
    /// <summary>Number of CPUs worth of time per period (1.5 = one and a half CPUs).</summary>
    [JsonPropertyName("cpus")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Cpus { get; init; }
    [JsonPropertyName("pids")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Pids { get; init; }

    [JsonIgnore] public bool IsEmpty => MemoryBytes is null && Cpus is null && Pids is null;
}

/// <summary>A snapshot of a cgroup's resource use.</summary>
public sealed record CgroupStats(long? MemoryUsageBytes, long? MemoryLimitBytes, long? CpuUsageNanoseconds, long? PidsCurrent);
