using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Oci;

namespace ContainerTools.Runtime.Containers.Services;

/// <summary>
/// A container's health check from the image's HEALTHCHECK and the -Health* options, as Docker merges them: each
/// option replaces the image's value; zero in the image means the default; ["NONE"] or -NoHealthcheck turns it off.
/// </summary>
public static class HealthCheckMerge
{
    private static readonly string[] OnFailureValues = [HealthCheck.OnFailureNone, HealthCheck.OnFailureKill, HealthCheck.OnFailureRestart, HealthCheck.OnFailureStop];

    public static HealthCheck? Merge(ContainerCreateOptions options, HealthcheckConfig? image)
    {
        var onFailure = (options.HealthOnFailure ?? HealthCheck.OnFailureNone).ToLowerInvariant();
        if (!OnFailureValues.Contains(onFailure))
        {
            throw new ContainerToolsException(ErrorIds.InvalidHealthCheck,
                $"The health failure action '{options.HealthOnFailure}' is not valid: use none, kill, restart or stop.", options.HealthOnFailure);
        }
        if (options.NoHealthcheck)
        {
            if (options.HealthCommand is not null || options.HealthTest is not null)
                throw new ContainerToolsException(ErrorIds.InvalidHealthCheck, "-NoHealthcheck cannot be used with -HealthCommand.", options.HealthCommand);
            return null;
        }
        IReadOnlyList<string>? test = options.HealthTest ?? (options.HealthCommand is { } command ? ["CMD-SHELL", command] : image?.Test);
        if (test is null || test.Count == 0 || test[0] == "NONE") return null;
        if (test[0] is not ("CMD" or "CMD-SHELL") || test.Count < 2)
            throw new ContainerToolsException(ErrorIds.InvalidHealthCheck, $"The health check test '{string.Join(' ', test)}' is not CMD or CMD-SHELL with a command.", options.Image);
        var check = new HealthCheck
        {
            Test = test,
            Interval = Positive(options.HealthInterval, "interval") ?? FromImage(image?.Interval) ?? HealthCheck.DefaultInterval,
            Timeout = Positive(options.HealthTimeout, "timeout") ?? FromImage(image?.Timeout) ?? HealthCheck.DefaultTimeout,
            StartPeriod = options.HealthStartPeriod is { } start && start >= TimeSpan.Zero ? start : FromImage(image?.StartPeriod) ?? TimeSpan.Zero,
            Retries = options.HealthRetries ?? (image?.Retries > 0 ? image.Retries : HealthCheck.DefaultRetries),
            OnFailure = onFailure,
        };
        if (check.Retries < 1)
            throw new ContainerToolsException(ErrorIds.InvalidHealthCheck, $"The health retries '{check.Retries}' must be 1 or more.", check.Retries);
        return check;
    }

    private static TimeSpan? Positive(TimeSpan? value, string what) => value switch
    {
        null => null,
        { } v when v > TimeSpan.Zero => v,
        { } v => throw new ContainerToolsException(ErrorIds.InvalidHealthCheck, $"The health {what} '{v}' must be more than zero.", v),
    };

    /// <summary>An image's duration is in nanoseconds; zero inherits the default.</summary>
    private static TimeSpan? FromImage(long? nanoseconds) => nanoseconds is > 0 ? TimeSpan.FromTicks(nanoseconds.Value / 100) : null;
}
