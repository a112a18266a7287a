using System.Text.Json.Serialization;

namespace ContainerTools.OciRuntime.State;

/// <summary>
/// A container's health check as container.json records it (the image's HEALTHCHECK merged with -Health*): ctmon runs
/// the probe, /bin/sh -c COMMAND in the container, every <see cref="Interval"/> (docs/processes.md, "Health checks").
/// </summary>
public sealed record HealthCheck
{
    public const string OnFailureNone = "none";
    public const string OnFailureKill = "kill";
    public const string OnFailureRestart = "restart";
    public const string OnFailureStop = "stop";

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    public const int DefaultRetries = 3;

    /// <summary>Docker's form: ["CMD-SHELL", "command"] or ["CMD", "program", "arg"...].</summary>
    [JsonPropertyName("test")] public IReadOnlyList<string> Test { get; init; } = [];
    [JsonPropertyName("interval")] public TimeSpan Interval { get; init; } = DefaultInterval;
    [JsonPropertyName("timeout")] public TimeSpan Timeout { get; init; } = DefaultTimeout;
    /// <summary>Failures during this time after the start do not count (a success ends it).</summary>
    [JsonPropertyName("startPeriod")] public TimeSpan StartPeriod { get; init; }
    /// <summary>Consecutive failures that make the container unhealthy.</summary>
    [JsonPropertyName("retries")] public int Retries { get; init; } = DefaultRetries;
    /// <summary>Podman's --health-on-failure: none, kill, restart or stop.</summary>
    [JsonPropertyName("onFailure")] public string OnFailure { get; init; } = OnFailureNone;

    /// <summary>The probe's argv in the container.</summary>
    [JsonIgnore] public IReadOnlyList<string> Argv => Test.Count > 0 && Test[0] == "CMD-SHELL"
        ? ["/bin/sh", "-c", string.Join(' ', Test.Skip(1))]
        : Test.Skip(1).ToList();
}

/// <summary>The health states Docker reports.</summary>
public static class HealthStatus
{
    public const string None = "none";
    public const string Starting = "starting";
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";
}

/// <summary>One probe's result, as Docker's State.Health.Log entries.</summary>
public sealed record HealthProbeResult
{
    [JsonPropertyName("start")] public DateTimeOffset Start { get; init; }
    [JsonPropertyName("end")] public DateTimeOffset End { get; init; }
    [JsonPropertyName("exitCode")] public int ExitCode { get; init; }
    [JsonPropertyName("output")] public string Output { get; init; } = "";
}

/// <summary>health.json: written by ctmon after every probe of the current run (single writer).</summary>
public sealed record MonitorHealthRecord
{
    [JsonPropertyName("monitorPid")] public int MonitorPid { get; init; }
    [JsonPropertyName("status")] public string Status { get; init; } = HealthStatus.Starting;
    [JsonPropertyName("failingStreak")] public int FailingStreak { get; init; }
    /// <summary>The last five results, oldest first.</summary>
    [JsonPropertyName("log")] public IReadOnlyList<HealthProbeResult> Log { get; init; } = [];
}
