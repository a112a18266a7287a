using System.Globalization;
using System.Text.Json.Serialization;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.OciRuntime.State;

/// <summary>
/// Docker's --restart: what the monitor does when the program exits (see docs/processes.md, "Restart policies").
/// Stored in container.json; ctmon reads it there, Restore-Container reads it after a reboot.
/// </summary>
public sealed record RestartPolicy
{
    public const string No = "no";
    public const string OnFailure = "on-failure";
    public const string Always = "always";
    public const string UnlessStopped = "unless-stopped";

    /// <summary>"no", "on-failure", "always" or "unless-stopped".</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = No;
    /// <summary>on-failure's limit of restarts; 0: no limit.</summary>
    [JsonPropertyName("maximumRetryCount")] public int MaximumRetryCount { get; init; }

    public static readonly RestartPolicy None = new();

    [JsonIgnore] public bool RestartsAtAll => Name != No;

    /// <summary>Parses Docker's forms: no, on-failure, on-failure:N, always, unless-stopped.</summary>
    public static RestartPolicy Parse(string text)
    {
        var parts = text.Trim().Split(':', 2);
        var name = parts[0].ToLowerInvariant();
        if (name is not (No or OnFailure or Always or UnlessStopped))
            throw Invalid(text, "use no, on-failure[:max-retries], always or unless-stopped");
        if (parts.Length == 1) return new RestartPolicy { Name = name };
        if (name != OnFailure) throw Invalid(text, "only on-failure takes a maximum retry count");
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max < 0)
            throw Invalid(text, "the maximum retry count must be a whole number, 0 or more");
        return new RestartPolicy { Name = name, MaximumRetryCount = max };
    }

    /// <summary>
    /// Whether the monitor starts the program again after it exited with <paramref name="exitCode"/>, having already
    /// restarted it <paramref name="restarts"/> times; never after a user stopped it.
    /// </summary>
    public bool ShouldRestart(int exitCode, int restarts, bool stoppedByUser) => !stoppedByUser && Name switch
    {
        Always or UnlessStopped => true,
        OnFailure => exitCode != 0 && (MaximumRetryCount == 0 || restarts < MaximumRetryCount),
        _ => false,
    };

    /// <summary>Whether Restore-Container starts it after a reboot: always, and unless-stopped that no user stopped.</summary>
    public bool RunsAtBoot(bool stoppedByUser) => Name == Always || (Name == UnlessStopped && !stoppedByUser);

    public override string ToString() => Name == OnFailure && MaximumRetryCount > 0
        ? $"{Name}:{MaximumRetryCount.ToString(CultureInfo.InvariantCulture)}"
        : Name;

    private static ContainerToolsException Invalid(string text, string why) =>
        new(ErrorIds.InvalidRestartPolicy, $"The restart policy '{text}' is not valid: {why}.", text);
}

/// <summary>
/// Docker's back-off between restarts: 100 ms, doubled at each restart up to one minute, and back to 100 ms after a
/// run that lasted 10 seconds or more.
/// </summary>
public sealed class RestartBackoff
{
    public static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan Maximum = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan ResetAfter = TimeSpan.FromSeconds(10);

    private TimeSpan _last = TimeSpan.Zero;

    public TimeSpan Next(TimeSpan runLasted)
    {
        _last = runLasted >= ResetAfter || _last == TimeSpan.Zero
            ? Initial
            : TimeSpan.FromTicks(Math.Min(_last.Ticks * 2, Maximum.Ticks));
        return _last;
    }
}
