using System.Globalization;
using System.Text.RegularExpressions;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Containers.Services;

/// <summary>
/// Docker's duration strings (Go's time.ParseDuration): "1s", "500ms", "2m", "1h30m", "1.5s"; units ns, us, ms, s, m, h.
/// </summary>
public static partial class DockerDuration
{
    [GeneratedRegex(@"\G(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex Part();

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var value = text.Trim();
        if (value == "0") return true;
        if (value.Length == 0) return false;
        var position = 0;
        var ticks = 0.0;
        while (position < value.Length)
        {
            var match = Part().Match(value, position);
            if (!match.Success) return false;
            var number = double.Parse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            ticks += number * match.Groups[2].Value switch
            {
                "ns" => TimeSpan.TicksPerMillisecond / 1_000_000.0,
                "us" or "µs" => TimeSpan.TicksPerMillisecond / 1000.0,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
            position += match.Length;
        }
        duration = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    public static TimeSpan Parse(string text, string what) => TryParse(text, out var duration)
        ? duration
        : throw new ContainerToolsException(ErrorIds.InvalidDuration,
            $"The {what} '{text}' is not a duration: use a TimeSpan, or Docker's form such as '500ms', '30s', '2m' or '1h30m'.", text);
}
