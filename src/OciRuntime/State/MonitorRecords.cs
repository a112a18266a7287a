using System.Text.Json.Serialization;

namespace ContainerTools.OciRuntime.State;

/// <summary>
/// started.json: written by ctmon once the container's program runs, before it signals the engine; rewritten by the
/// same monitor when its restart policy restarts the program (the new pid, <see cref="RestartCount"/>) and while it
/// waits out the back-off before that (<see cref="Restarting"/>, pid 0).
/// </summary>
public sealed record MonitorStartedRecord
{
    [JsonPropertyName("pid")] public int Pid { get; init; }
    [JsonPropertyName("monitorPid")] public int MonitorPid { get; init; }
    [JsonPropertyName("monitorStartTime")] public long MonitorStartTime { get; init; }
    [JsonPropertyName("startedAt")] public DateTimeOffset StartedAt { get; init; }
    /// <summary>How many times this monitor has restarted the program (its restart policy).</summary>
    [JsonPropertyName("restartCount")] public int RestartCount { get; init; }
    /// <summary>Between an exit and the restart the policy asked for: no program runs.</summary>
    [JsonPropertyName("restarting")] public bool Restarting { get; init; }
    /// <summary>While <see cref="Restarting"/>: the exit code of the run that ended.</summary>
    [JsonPropertyName("lastExitCode")] public int? LastExitCode { get; init; }
}

/// <summary>exit.json: written by ctmon after it reaped the container and cleaned up its cgroup and mount.</summary>
public sealed record MonitorExitRecord
{
    /// <summary>The exit status as a shell reports it: the code, or 128 + signal.</summary>
    [JsonPropertyName("exitCode")] public int ExitCode { get; init; }
    [JsonPropertyName("signal")] public int Signal { get; init; }
    [JsonPropertyName("oomKilled")] public bool OomKilled { get; init; }
    [JsonPropertyName("finishedAt")] public DateTimeOffset FinishedAt { get; init; }
    [JsonPropertyName("error")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Error { get; init; }
    /// <summary>How many times the monitor restarted the program (its restart policy) before this exit.</summary>
    [JsonPropertyName("restartCount")] public int RestartCount { get; init; }
}

/// <summary>One line of container.log, Docker's json-file format.</summary>
public sealed record LogRecord
{
    [JsonPropertyName("log")] public required string Log { get; init; }
    [JsonPropertyName("stream")] public required string Stream { get; init; }
    /// <summary>RFC 3339 with nanoseconds, UTC, as Docker writes it.</summary>
    [JsonPropertyName("time")] public required string Time { get; init; }

    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff", System.Globalization.CultureInfo.InvariantCulture) + "00Z";

    [JsonIgnore] public DateTimeOffset Timestamp =>
        DateTimeOffset.Parse(Time, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
}
