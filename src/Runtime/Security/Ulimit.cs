using System.Globalization;
using System.Text.Json.Serialization;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Security;

/// <summary>One -Ulimit, Docker's NAME=SOFT[:HARD] (HARD defaults to SOFT; -1 is unlimited): process.rlimits.</summary>
public sealed record Ulimit
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("soft")] public long Soft { get; init; }
    [JsonPropertyName("hard")] public long Hard { get; init; }

    private static readonly string[] Names =
        ["core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack", "as"];

    /// <summary>runtime-spec's type ("RLIMIT_NOFILE").</summary>
    [JsonIgnore] public string RlimitType => "RLIMIT_" + Name.ToUpperInvariant();

    public override string ToString() => $"{Name}={Text(Soft)}:{Text(Hard)}";

    private static string Text(long value) => value < 0 ? "-1" : value.ToString(CultureInfo.InvariantCulture);

    public static Ulimit Parse(string text)
    {
        var eq = text.IndexOf('=');
        if (eq <= 0) throw Invalid(text, "expected NAME=SOFT[:HARD], such as nofile=1024:2048");
        var name = text[..eq].Trim().ToLowerInvariant();
        if (!Names.Contains(name)) throw Invalid(text, $"'{name}' is not one of {string.Join(", ", Names)}");
        var values = text[(eq + 1)..].Split(':');
        if (values.Length > 2) throw Invalid(text, "expected NAME=SOFT[:HARD]");
        var soft = Number(text, values[0]);
        var hard = values.Length == 2 ? Number(text, values[1]) : soft;
        if (hard >= 0 && (soft < 0 || soft > hard)) throw Invalid(text, $"the soft limit {values[0]} is above the hard limit {values[^1]}");
        return new Ulimit { Name = name, Soft = soft, Hard = hard };
    }

    private static long Number(string text, string value) =>
        long.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= -1
            ? number
            : throw Invalid(text, $"'{value}' is not a number (or -1 for unlimited)");

    private static ContainerToolsException Invalid(string text, string reason) =>
        new(ErrorIds.InvalidUlimit, $"The ulimit '{text}' is not valid: {reason}.", text, reason: reason);
}
