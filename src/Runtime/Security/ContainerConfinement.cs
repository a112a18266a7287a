using System.Text;
using System.Text.Json.Serialization;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Security.Seccomp;

namespace ContainerTools.Runtime.Security;

/// <summary>
/// container.json's "confinement": the checked, normalized switches a container was created with (the defaults,
/// Docker's, when empty). The bundle writer turns it into the runtime spec (<see cref="ConfinementSpec"/>).
/// </summary>
public sealed record ContainerConfinement
{
    /// <summary>"CAP_NET_ADMIN" or "ALL".</summary>
    [JsonPropertyName("capAdd")] public IReadOnlyList<string> CapabilityAdd { get; init; } = [];
    [JsonPropertyName("capDrop")] public IReadOnlyList<string> CapabilityDrop { get; init; } = [];
    /// <summary>As given and normalized ("seccomp=unconfined", "seccomp=/path/profile.json", "seccomp={...}" (the API's inline profile), "no-new-privileges=true").</summary>
    [JsonPropertyName("securityOptions")] public IReadOnlyList<string> SecurityOptions { get; init; } = [];
    [JsonPropertyName("noNewPrivileges")] public bool NoNewPrivileges { get; init; }
    [JsonPropertyName("seccompUnconfined")] public bool SeccompUnconfined { get; init; }
    /// <summary>The text of a -SecurityOption seccomp=FILE profile, kept so the file may go away (Docker does the same).</summary>
    [JsonPropertyName("seccompProfile")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? SeccompProfileJson { get; init; }
    [JsonPropertyName("ulimits")] public IReadOnlyList<Ulimit> Ulimits { get; init; } = [];
    [JsonPropertyName("sysctls")] public IReadOnlyDictionary<string, string> Sysctls { get; init; } = new Dictionary<string, string>();
    [JsonPropertyName("oomScoreAdjust")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? OomScoreAdjust { get; init; }
    [JsonPropertyName("shmSize")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? ShmSize { get; init; }
    [JsonPropertyName("groupAdd")] public IReadOnlyList<string> GroupAdd { get; init; } = [];

    /// <summary>Checks every switch now (a malformed profile, an unknown capability, a host-wide sysctl are create-time errors).</summary>
    public static ContainerConfinement From(ConfinementOptions options, string network)
    {
        var confinement = new ContainerConfinement
        {
            CapabilityAdd = options.CapabilityAdd.Select(CapabilityNames.Normalize).Distinct().ToList(),
            CapabilityDrop = options.CapabilityDrop.Select(CapabilityNames.Normalize).Distinct().ToList(),
            Ulimits = options.Ulimits.Select(Ulimit.Parse).GroupBy(u => u.Name).Select(g => g.Last()).ToList(),
            Sysctls = Sysctl.ParseAll(options.Sysctls, network),
            OomScoreAdjust = options.OomScoreAdjust is { } oom && (oom < -1000 || oom > 1000)
                ? throw new ContainerToolsException(ErrorIds.InvalidSecurityOption, $"The OOM score adjustment {oom} is not between -1000 and 1000.", oom)
                : options.OomScoreAdjust,
            ShmSize = options.ShmSize is { } shm && shm <= 0
                ? throw new ContainerToolsException(ErrorIds.InvalidSecurityOption, $"The /dev/shm size {shm} is not a positive number of bytes.", shm)
                : options.ShmSize,
            GroupAdd = options.GroupAdd.Where(g => !string.IsNullOrWhiteSpace(g)).Select(g => g.Trim()).ToList(),
        };
        // capset would refuse it at every start: a capability the engine itself lacks cannot be passed on.
        var supported = CapabilityNames.Supported();
        if (confinement.CapabilityAdd.FirstOrDefault(c => c != CapabilityNames.All && !supported.Contains(c)) is { } missing)
        {
            throw new ContainerToolsException(ErrorIds.InvalidCapability, $"The capability '{missing}' cannot be given: the engine itself does not hold it (its bounding set).", missing);
        }
        foreach (var option in options.SecurityOptions) confinement = confinement.WithSecurityOption(option);
        // The default profile is resolved at every bundle write; a user's is checked here once, against the capabilities it will meet.
        if (confinement.SeccompProfileJson is { } text) SeccompProfile.Parse(Encoding.UTF8.GetBytes(text), confinement.SeccompSource ?? "profile");
        return confinement;
    }

    /// <summary>The profile file as given ("seccomp=PATH"), for messages.</summary>
    [JsonIgnore] public string? SeccompSource => SecurityOptions.LastOrDefault(o => o.StartsWith("seccomp=", StringComparison.Ordinal))?["seccomp=".Length..] is { } source
        ? (source.StartsWith('{') ? "the inline profile" : source)
        : null;

    private ContainerConfinement WithSecurityOption(string option)
    {
        var separator = option.IndexOfAny(['=', ':']);
        var key = (separator < 0 ? option : option[..separator]).Trim();
        var value = separator < 0 ? null : option[(separator + 1)..].Trim();
        switch (key)
        {
            case "no-new-privileges":
                var on = value switch
                {
                    null or "" or "true" => true,
                    "false" => false,
                    _ => throw Invalid(option, $"no-new-privileges takes true or false, not '{value}'"),
                };
                return this with { NoNewPrivileges = on, SecurityOptions = [.. SecurityOptions.Where(o => !o.StartsWith("no-new-privileges", StringComparison.Ordinal)), $"no-new-privileges={(on ? "true" : "false")}"] };
            case "seccomp" when string.IsNullOrEmpty(value):
                throw Invalid(option, "seccomp takes 'unconfined' or a profile's path");
            case "seccomp":
                var others = SecurityOptions.Where(o => !o.StartsWith("seccomp=", StringComparison.Ordinal)).ToList();
                if (value == "unconfined") return this with { SeccompUnconfined = true, SeccompProfileJson = null, SecurityOptions = [.. others, "seccomp=unconfined"] };
                // The Docker API's form: the docker CLI reads the file and sends the profile's text itself.
                if (value!.StartsWith('{')) return this with { SeccompUnconfined = false, SeccompProfileJson = value, SecurityOptions = [.. others, "seccomp=" + value] };
                var path = Path.GetFullPath(value!);
                string text;
                try { text = File.ReadAllText(path); }
                catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
                {
                    throw new ContainerToolsException(ErrorIds.SeccompProfileNotFound, $"The seccomp profile '{path}' does not exist.", path, ex);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new ContainerToolsException(ErrorIds.SeccompProfileInvalid, $"The seccomp profile '{path}' cannot be read: {ex.Message}", path, ex);
                }
                return this with { SeccompUnconfined = false, SeccompProfileJson = text, SecurityOptions = [.. others, $"seccomp={path}"] };
            case "apparmor" or "label" or "systempaths" or "proc-opts" or "mask" or "unmask":
                throw Invalid(option, $"'{key}' is not supported by this engine (no AppArmor or SELinux here)");
            default:
                throw Invalid(option, "known options are seccomp=unconfined, seccomp=PROFILE.json and no-new-privileges[=true|false]");
        }
    }

    private static ContainerToolsException Invalid(string option, string reason) =>
        new(ErrorIds.InvalidSecurityOption, $"The security option '{option}' is not valid: {reason}.", option, reason: reason);
}
