using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Build;

namespace ContainerTools.Runtime.Containers.Services;

/// <summary>
/// Docker's duration strings (Go's time.ParseDuration, <see cref="GoDuration"/>, the builder's reader of HEALTHCHECK
/// flags): "1s", "500ms", "2m", "1h30m", "1.5s"; units ns, us, ms, s, m, h; as a TimeSpan.
/// </summary>
public static class DockerDuration
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        var parsed = GoDuration.TryParse(text.Trim(), out var nanoseconds);
        duration = TimeSpan.FromTicks(nanoseconds / 100);
        return parsed;
    }

    public static TimeSpan Parse(string text, string what) => TryParse(text, out var duration)
        ? duration
        : throw new ContainerToolsException(ErrorIds.InvalidDuration,
            $"The {what} '{text}' is not a duration: use a TimeSpan, or Docker's form such as '500ms', '30s', '2m' or '1h30m'.", text);
}
