using ContainerTools.Runtime.Containers;

namespace ContainerTools;

/// <summary>One row of `docker stats`: a running container's resource use at <see cref="Time"/>.</summary>
public sealed class ContainerStatistic
{
    public string Id { get; init; } = "";
    public string ShortId { get; init; } = "";
    public string Name { get; init; } = "";
    public DateTime Time { get; init; }
    /// <summary>CPU time over wall time since the previous sample, in percent of one CPU (200 = two busy cores).</summary>
    public double? CpuPercent { get; init; }
    public long? MemoryUsage { get; init; }
    /// <summary>The cgroup limit, or the host's memory when the container has none.</summary>
    public long? MemoryLimit { get; init; }
    public double? MemoryPercent { get; init; }
    public long? Pids { get; init; }
    public long? BlockRead { get; init; }
    public long? BlockWrite { get; init; }
    public long? NetworkRx { get; init; }
    public long? NetworkTx { get; init; }
    /// <summary>Total CPU time the container has used, in nanoseconds.</summary>
    public long? CpuUsageNanoseconds { get; init; }

    public static ContainerStatistic From(ContainerStatistics statistics)
    {
        var sample = statistics.Sample;
        return new ContainerStatistic
        {
            Id = sample.Id,
            ShortId = sample.Id.Substring(0, Math.Min(12, sample.Id.Length)),
            Name = sample.Name,
            Time = sample.Time.LocalDateTime,
            CpuPercent = statistics.CpuPercent,
            MemoryUsage = sample.MemoryUsageBytes,
            MemoryLimit = statistics.EffectiveMemoryLimit,
            MemoryPercent = statistics.MemoryPercent,
            Pids = sample.Pids,
            BlockRead = sample.BlockReadBytes,
            BlockWrite = sample.BlockWriteBytes,
            NetworkRx = sample.NetworkRxBytes,
            NetworkTx = sample.NetworkTxBytes,
            CpuUsageNanoseconds = sample.CpuUsageNanoseconds,
        };
    }
}
