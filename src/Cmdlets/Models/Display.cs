using ContainerTools.OciRuntime.State;
namespace ContainerTools;

/// <summary>The human forms `docker images` prints; the format file's script blocks call these.</summary>
public static class Display
{
    /// <summary>"5 minutes ago", "3 days ago", "N/A": short enough for an 80-column table.</summary>
    public static string Since(DateTime? when)
    {
        if (when is null)
        {
            return "N/A";
        }
        var age = DateTime.Now - when.Value;
        if (age < TimeSpan.Zero)
        {
            return "in the future";
        }
        return age.TotalSeconds < 60 ? Plural(Math.Max(1, (int)age.TotalSeconds), "second")
            : age.TotalMinutes < 60 ? Plural((int)age.TotalMinutes, "minute")
            : age.TotalHours < 48 ? Plural((int)age.TotalHours, "hour")
            : age.TotalDays < 14 ? Plural((int)age.TotalDays, "day")
            : age.TotalDays < 60 ? Plural((int)(age.TotalDays / 7), "week")
            : age.TotalDays < 730 ? Plural((int)(age.TotalDays / 30), "month")
            : Plural((int)(age.TotalDays / 365), "year");
    }

    /// <summary>Decimal units as Docker prints them: 4.26MB, 512B, 1.2GB.</summary>
    public static string Size(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        return unit == 0 ? $"{bytes}B" : value.ToString(value < 10 ? "0.##" : value < 100 ? "0.#" : "0", System.Globalization.CultureInfo.InvariantCulture) + units[unit];
    }

    /// <summary>A size that may be unknown: "--" when null.</summary>
    public static string Size(long? bytes) => bytes is { } b ? Size(b) : "--";

    /// <summary>Binary units as docker stats prints memory: 1.5MiB, 512KiB, 23.4GiB; "--" when unknown.</summary>
    public static string BinarySize(long? bytes)
    {
        if (bytes is not { } b)
        {
            return "--";
        }
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = b;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{b}B" : value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + units[unit];
    }

    /// <summary>"12.34%" as docker stats prints CPU and memory shares; "--" when unknown.</summary>
    public static string Percent(double? value) =>
        value is { } v ? v.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + "%" : "--";

    /// <summary>What `docker ps` prints under STATUS: "Up 5 minutes", "Up 2 hours (Paused)", "Exited (0) 3 seconds ago", "Created".</summary>
    public static string Status(Container? container)
    {
        if (container is null)
        {
            return "";
        }
        if (container.Restarting)
        {
            // Docker's form: the last run's exit code, and since when it has been waiting to restart.
            return $"Restarting ({container.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}) " + Duration(DateTime.Now - (container.StartedAt ?? DateTime.Now)) + " ago";
        }
        return container.Status switch
        {
            OciRuntime.State.ContainerStatus.Running => "Up " + Duration(DateTime.Now - (container.StartedAt ?? DateTime.Now))
                + (container.Health is "none" or "" ? "" : container.Health == "starting" ? " (health: starting)" : $" ({container.Health})"),
            OciRuntime.State.ContainerStatus.Paused => "Up " + Duration(DateTime.Now - (container.StartedAt ?? DateTime.Now)) + " (Paused)",
            OciRuntime.State.ContainerStatus.Exited =>
                $"Exited ({container.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}) " + Duration(DateTime.Now - (container.FinishedAt ?? DateTime.Now)) + " ago",
            _ => "Created",
        };
    }

    /// <summary>The command as `docker ps` shows it: quoted, cut to <paramref name="width"/> characters with an ellipsis.</summary>
    public static string Command(string[]? command, int width = 20)
    {
        var text = string.Join(' ', command ?? []);
        if (text.Length > width)
        {
            text = text.Substring(0, Math.Max(0, width - 1)) + "…";
        }
        return "\"" + text + "\"";
    }

    /// <summary>Docker's human durations: "Less than a second", "5 seconds", "About a minute", "3 hours", "2 weeks".</summary>
    public static string Duration(TimeSpan span)
    {
        var seconds = (long)Math.Max(0, span.TotalSeconds);
        var minutes = seconds / 60;
        var hours = minutes / 60;
        return seconds < 1 ? "Less than a second"
            : seconds == 1 ? "1 second"
            : seconds < 60 ? $"{seconds} seconds"
            : minutes == 1 ? "About a minute"
            : minutes < 60 ? $"{minutes} minutes"
            : hours == 1 ? "About an hour"
            : hours < 48 ? $"{hours} hours"
            : hours < 24 * 7 * 2 ? $"{hours / 24} days"
            : hours < 24 * 30 * 2 ? $"{hours / 24 / 7} weeks"
            : hours < 24 * 365 * 2 ? $"{hours / 24 / 30} months"
            : $"{hours / 24 / 365} years";
    }

    private static string Plural(int n, string unit) => n == 1 ? (unit == "hour" ? "An hour ago" : $"1 {unit} ago") : $"{n} {unit}s ago";
}
