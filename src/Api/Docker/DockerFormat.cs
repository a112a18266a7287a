using System.Globalization;
using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Containers;

namespace ContainerTools.Api;

/// <summary>How Docker writes times, durations and container states.</summary>
internal static class DockerFormat
{
    /// <summary>RFC 3339 with nanoseconds, UTC; Go's zero time for "never".</summary>
    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) : "0001-01-01T00:00:00Z";

    public static long Unix(DateTimeOffset? time) => time?.ToUnixTimeSeconds() ?? 0;

    /// <summary>created, running, paused, exited (Docker's State.Status).</summary>
    public static string State(ContainerStatus status) => status switch
    {
        ContainerStatus.Created => "created",
        ContainerStatus.Running => "running",
        ContainerStatus.Paused => "paused",
        _ => "exited",
    };

    /// <summary>State.Status, with "restarting" while a restart policy's monitor waits out its back-off.</summary>
    public static string State(Container container) => container.Restarting ? "restarting" : State(container.Status);

    /// <summary>The health check's status as Docker reports it: the monitor's while running; "unhealthy" once stopped; null without a check.</summary>
    public static string? Health(Container container) => container.Definition.Health is null ? null : container.Status switch
    {
        ContainerStatus.Running or ContainerStatus.Paused => container.Health?.Status ?? HealthStatus.Starting,
        ContainerStatus.Created => HealthStatus.Starting,
        _ => HealthStatus.Unhealthy,
    };

    /// <summary>docker ps's STATUS column: "Up 3 seconds (healthy)", "Restarting (1) 2 seconds ago", "Exited (0) 2 minutes ago", "Created".</summary>
    public static string Status(Container container)
    {
        var now = DateTimeOffset.UtcNow;
        if (container.Restarting)
            return $"Restarting ({container.State.ExitCode ?? 0}) {HumanDuration(now - (container.State.FinishedAt ?? container.State.StartedAt ?? now))} ago";
        var health = Health(container) switch
        {
            HealthStatus.Starting => " (health: starting)",
            { } status => $" ({status})",
            null => "",
        };
        return container.Status switch
        {
            ContainerStatus.Running => "Up " + HumanDuration(now - (container.State.StartedAt ?? now)) + health,
            ContainerStatus.Paused => "Up " + HumanDuration(now - (container.State.StartedAt ?? now)) + " (Paused)",
            ContainerStatus.Exited when container.State.FinishedAt is { } finished =>
                $"Exited ({container.State.ExitCode ?? 0}) {HumanDuration(now - finished)} ago",
            ContainerStatus.Exited => $"Exited ({container.State.ExitCode ?? 0})",
            _ => "Created",
        };
    }

    /// <summary>Go's units.HumanDuration.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        if (seconds < 1) return "Less than a second";
        if (seconds == 1) return "1 second";
        if (seconds < 60) return $"{seconds} seconds";
        var minutes = (long)d.TotalMinutes;
        if (minutes == 1) return "About a minute";
        if (minutes < 60) return $"{minutes} minutes";
        var hours = (long)Math.Round(d.TotalHours);
        if (hours == 1) return "About an hour";
        if (hours < 48) return $"{hours} hours";
        if (hours < 24 * 7 * 2) return $"{hours / 24} days";
        if (hours < 24 * 30 * 2) return $"{hours / 24 / 7} weeks";
        if (hours < 24 * 365 * 2) return $"{hours / 24 / 30} months";
        return $"{hours / 24 / 365} years";
    }

    /// <summary>Docker's image id form: sha256:HEX.</summary>
    public static string ImageId(string id) => id.StartsWith("sha256:", StringComparison.Ordinal) ? id : "sha256:" + id;
}
