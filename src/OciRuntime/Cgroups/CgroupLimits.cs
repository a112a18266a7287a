using System.Text.Json.Serialization;

namespace ContainerTools.OciRuntime.Cgroups;

/// <summary>Resource limits for one container; null means unlimited.</summary>
public sealed record CgroupLimits
{
    [JsonPropertyName("memoryBytes")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? MemoryBytes { get; init; }
    /// <summary>Number of CPUs worth of time per period (1.5 = one and a half CPUs).</summary>
    [JsonPropertyName("cpus")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Cpus { get; init; }
    [JsonPropertyName("pids")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Pids { get; init; }

    [JsonIgnore] public bool IsEmpty => MemoryBytes is null && Cpus is null && Pids is null;
}

/// <summary>Block device traffic of a cgroup; null when the controller is not available to it.</summary>
public sealed record BlockIoStats(long? ReadBytes, long? WriteBytes);

/// <summary>A snapshot of a cgroup's resource use.</summary>
public sealed record CgroupStats(long? MemoryUsageBytes, long? MemoryLimitBytes, long? CpuUsageNanoseconds, long? PidsCurrent);
