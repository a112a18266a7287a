using System.Globalization;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers;

/// <summary>One reading of a running container's counters (cgroup and network), with the monotonic time it was taken.</summary>
public sealed record ContainerStatisticsSample
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    /// <summary>Stopwatch ticks: CPU percentages divide by the wall time between two samples.</summary>
    public long Timestamp { get; init; }
    public DateTimeOffset Time { get; init; }
    public long? CpuUsageNanoseconds { get; init; }
    public long? MemoryUsageBytes { get; init; }
    public long? MemoryLimitBytes { get; init; }
    public long? Pids { get; init; }
    public long? BlockReadBytes { get; init; }
    public long? BlockWriteBytes { get; init; }
    public long? NetworkRxBytes { get; init; }
    public long? NetworkTxBytes { get; init; }
}

/// <summary>docker stats for one container: the latest sample, and the CPU use since the one before it.</summary>
public sealed record ContainerStatistics(ContainerStatisticsSample Sample, double? CpuPercent)
{
    /// <summary>
    /// CPU time used between the samples over the wall time between them, in percent of one CPU (as docker stats: a
    /// container keeping both cores of a two-core host busy shows 200%). Null without two usable samples.
    /// </summary>
    public static double? CpuPercentBetween(ContainerStatisticsSample? previous, ContainerStatisticsSample current)
    {
        if (previous is null || previous.CpuUsageNanoseconds is not { } before || current.CpuUsageNanoseconds is not { } after) return null;
        var wallNanoseconds = (current.Timestamp - previous.Timestamp) * (1_000_000_000.0 / System.Diagnostics.Stopwatch.Frequency);
        if (wallNanoseconds <= 0) return null;
        return Math.Max(0, after - before) / wallNanoseconds * 100.0;
    }

    /// <summary>Usage over limit in percent; with no limit, over the host's memory (as docker does).</summary>
    public double? MemoryPercent
    {
        get
        {
            if (Sample.MemoryUsageBytes is not { } usage) return null;
            var limit = EffectiveMemoryLimit;
            return limit is > 0 ? usage * 100.0 / limit.Value : null;
        }
    }

    /// <summary>The cgroup limit, or the host's total memory when unlimited (or limited above it).</summary>
    public long? EffectiveMemoryLimit
    {
        get
        {
            var host = HostMemory.TotalBytes;
            if (Sample.MemoryLimitBytes is { } limit && (host is null || limit < host)) return limit;
            return host;
        }
    }
}

public sealed partial class ContainerStore
{
    /// <summary>Reads the counters of a running or paused container; ContainerNotRunning otherwise.</summary>
    public ContainerStatisticsSample SampleStatistics(string idOrName)
    {
        var container = Resolve(idOrName);
        if (container.Status is not (ContainerStatus.Running or ContainerStatus.Paused) || container.State.Cgroup is null)
        {
            throw new ContainerToolsException(ErrorIds.ContainerNotRunning, $"The container '{container.Name}' is not running.", container.Name);
        }
        var cgroup = Cgroup.Open(container.State.Cgroup);
        var stats = cgroup.ReadStats();
        var blockIo = cgroup.ReadBlockIo();
        var network = container.State.Pid > 0 ? NetworkDevices.Read($"/proc/{container.State.Pid}/net/dev") : null;
        return new ContainerStatisticsSample
        {
            Id = container.Id,
            Name = container.Name,
            Timestamp = System.Diagnostics.Stopwatch.GetTimestamp(),
            Time = DateTimeOffset.UtcNow,
            CpuUsageNanoseconds = stats.CpuUsageNanoseconds,
            MemoryUsageBytes = stats.MemoryUsageBytes,
            MemoryLimitBytes = stats.MemoryLimitBytes,
            Pids = stats.PidsCurrent,
            BlockReadBytes = blockIo.ReadBytes,
            BlockWriteBytes = blockIo.WriteBytes,
            NetworkRxBytes = network?.RxBytes,
            NetworkTxBytes = network?.TxBytes,
        };
    }
}

/// <summary>/proc/PID/net/dev: the byte counters of the interfaces in that process's network namespace.</summary>
public static class NetworkDevices
{
    /// <summary>Received and sent bytes summed over every interface except loopback; null when the file cannot be read.</summary>
    public static (long RxBytes, long TxBytes)? Read(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        return Parse(text);
    }

    public static (long RxBytes, long TxBytes) Parse(string text)
    {
        long rx = 0, tx = 0;
        // Two header lines, then "  name: rx_bytes rx_packets errs drop fifo frame compressed multicast tx_bytes ...".
        foreach (var line in text.Split('\n').Skip(2))
        {
            var colon = line.IndexOf(':');
            if (colon < 0 || line.Substring(0, colon).Trim() == "lo") continue;
            var fields = line.Substring(colon + 1).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 9) continue;
            if (long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var r)) rx += r;
            if (long.TryParse(fields[8], NumberStyles.None, CultureInfo.InvariantCulture, out var t)) tx += t;
        }
        return (rx, tx);
    }
}

/// <summary>The host's total memory (/proc/meminfo MemTotal), read once.</summary>
internal static class HostMemory
{
    private static readonly Lazy<long?> Total = new(() =>
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemTotal:", StringComparison.Ordinal)) continue;
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(fields[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException) { }
        return null;
    });

    public static long? TotalBytes => Total.Value;
}
