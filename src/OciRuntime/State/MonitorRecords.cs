using System.Text.Json.Serialization;

namespace ContainerTools.OciRuntime.State;

/// <summary>started.json: written by ctmon once the container's program runs, before it signals the engine.</summary>
public sealed record MonitorStartedRecord
{
    [JsonPropertyName("pid")] public int Pid { get; init; }
    [JsonPropertyName("monitorPid")] public int MonitorPid { get; init; }
    [JsonPropertyName("monitorStartTime")] public long MonitorStartTime { get; init; }
    [JsonPropertyName("startedAt")] public DateTimeOffset StartedAt { get; init; }
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
