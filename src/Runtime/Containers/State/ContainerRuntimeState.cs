using System.Text.Json.Serialization;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.Runtime.Network;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers.State;

/// <summary>
/// state.json: where the container is in its life. Only the engine writes it (under the container's lock); the
/// monitor reports through started.json and exit.json, which the engine merges in.
/// </summary>
public sealed record ContainerRuntimeState
{
    [JsonPropertyName("status")] public ContainerStatus Status { get; init; } = ContainerStatus.Created;
    [JsonPropertyName("pid")] public int Pid { get; init; }
    [JsonPropertyName("monitorPid")] public int MonitorPid { get; init; }
    /// <summary>/proc/PID/stat field 22 of the monitor: tells it from a process that later reused its pid.</summary>
    [JsonPropertyName("monitorStartTime")] public long MonitorStartTime { get; init; }
    [JsonPropertyName("startedAt")] public DateTimeOffset? StartedAt { get; init; }
    [JsonPropertyName("finishedAt")] public DateTimeOffset? FinishedAt { get; init; }
    [JsonPropertyName("exitCode")] public int? ExitCode { get; init; }
    [JsonPropertyName("oomKilled")] public bool OomKilled { get; init; }
    /// <summary>Why the last start failed or the monitor vanished, if it did.</summary>
    [JsonPropertyName("error")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Error { get; init; }
    /// <summary>The container's cgroup while it exists (from start until the monitor or a cleanup removes it).</summary>
    [JsonPropertyName("cgroup")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public CgroupHandle? Cgroup { get; init; }
    /// <summary>The published ports of the current run with their host ports resolved; empty when not running.</summary>
    [JsonPropertyName("ports")] public IReadOnlyList<PortMapping> Ports { get; init; } = [];
    [JsonPropertyName("restartCount")] public int RestartCount { get; init; }
    /// <summary>
    /// Stop or Kill ended the last run (Docker's HasBeenManuallyStopped): the monitor does not restart it, and
    /// Restore-Container leaves an unless-stopped container stopped. Start clears it.
    /// </summary>
    [JsonPropertyName("stoppedByUser")] public bool StoppedByUser { get; init; }
    /// <summary>
    /// How many of the current monitor's restarts (started.json, exit.json) <see cref="RestartCount"/> already counts,
    /// so that merging them is the same whether or not a write saved an earlier merge.
    /// </summary>
    [JsonPropertyName("monitorRestarts")] public int MonitorRestarts { get; init; }
}
