using System.Text.Json;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Seccomp;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Runtime.Security.Seccomp;

/// <summary>
/// A seccomp profile in Docker's format (moby's profiles/seccomp): runtime-spec's linux.seccomp plus archMap and, per
/// rule, includes/excludes by capability, architecture and minimum kernel. Read strictly: a malformed profile is a
/// <c>SeccompProfileInvalid</c> error naming what is wrong, at create time.
/// </summary>
internal sealed record SeccompProfile
{
    public required string DefaultAction { get; init; }
    public uint? DefaultErrnoRet { get; init; }
    public IReadOnlyList<string> Architectures { get; init; } = [];
    /// <summary>Native architecture to the sub-architectures that come with it.</summary>
    public IReadOnlyList<(string Architecture, IReadOnlyList<string> SubArchitectures)> ArchMap { get; init; } = [];
    public IReadOnlyList<string> Flags { get; init; } = [];
    public IReadOnlyList<SeccompProfileRule> Syscalls { get; init; } = [];

    private static readonly Lazy<SeccompProfile> DefaultProfile = new(() =>
    {
        using var stream = typeof(SeccompProfile).Assembly.GetManifestResourceStream("ContainerTools.Runtime.Security.Seccomp.default.json")
            ?? throw new InvalidOperationException("the default seccomp profile is not embedded");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return Parse(memory.ToArray(), "default");
    });

    /// <summary>moby's default profile, embedded in this assembly (Security/Seccomp/NOTICE.md).</summary>
    public static SeccompProfile Default => DefaultProfile.Value;

    /// <summary>Reads a profile; <paramref name="source"/> names it in errors (a file path, "default").</summary>
    public static SeccompProfile Parse(ReadOnlyMemory<byte> json, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Invalid(source, "the profile is not a JSON object");
            var profile = new SeccompProfile
            {
                DefaultAction = String(root, "defaultAction") ?? throw Invalid(source, "\"defaultAction\" is missing"),
                DefaultErrnoRet = UInt(root, "defaultErrnoRet"),
                Architectures = Strings(root, "architectures"),
                ArchMap = Array(root, "archMap", a => (String(a, "architecture") ?? throw Invalid(source, "an archMap entry has no \"architecture\""), Strings(a, "subArchitectures"))),
                Flags = Strings(root, "flags"),
                Syscalls = Array(root, "syscalls", s => Rule(s, source)),
            };
            profile.Check(source);
            return profile;
        }
        catch (JsonException ex)
        {
            throw Invalid(source, ex.Message, ex);
        }
        catch (InvalidOperationException ex)
        {
            throw Invalid(source, ex.Message, ex);
        }
        catch (FormatException ex)
        {
            throw Invalid(source, ex.Message, ex);
        }
    }

    private static SeccompProfileRule Rule(JsonElement e, string source)
    {
        var names = Strings(e, "names");
        if (String(e, "name") is { } single)
        {
            if (names.Count > 0) throw Invalid(source, $"the rule for {single} has both \"name\" and \"names\"");
            names = [single];
        }
        return new SeccompProfileRule
        {
            Names = names,
            Action = String(e, "action") ?? throw Invalid(source, $"the rule for {string.Join(", ", names)} has no \"action\""),
            ErrnoRet = UInt(e, "errnoRet"),
            Args = Array(e, "args", a => new SeccompArgSpec
            {
                Index = UInt(a, "index") ?? 0,
                Value = Member(a, "value")?.GetUInt64() ?? 0,
                ValueTwo = Member(a, "valueTwo")?.GetUInt64() ?? 0,
                Op = String(a, "op") ?? throw Invalid(source, $"an argument of the rule for {string.Join(", ", names)} has no \"op\""),
            }),
            Includes = Member(e, "includes") is { } includes ? Filter(includes) : null,
            Excludes = Member(e, "excludes") is { } excludes ? Filter(excludes) : null,
        };
    }

    private static SeccompRuleFilter Filter(JsonElement e) => new()
    {
        Caps = Strings(e, "caps"),
        Arches = Strings(e, "arches"),
        MinKernel = String(e, "minKernel") is { } minKernel ? ParseKernel(minKernel) : null,
    };

    /// <summary>"4.8" or "5.15.3" (what moby accepts).</summary>
    private static Version ParseKernel(string text) =>
        Version.TryParse(text.Contains('.') ? text : text + ".0", out var version) && version.Major > 0
            ? version
            : throw new FormatException($"minKernel \"{text}\" is not a kernel version such as 4.8");

    /// <summary>What libseccomp would refuse, caught here rather than when the container starts.</summary>
    private void Check(string source)
    {
        if (SeccompNames.Action(DefaultAction, DefaultErrnoRet) is null) throw Invalid(source, $"defaultAction {DefaultAction} is not a supported action");
        if (Architectures.Count > 0 && ArchMap.Count > 0) throw Invalid(source, "both \"architectures\" and \"archMap\" are given; use one");
        foreach (var flag in Flags)
        {
            if (!SeccompNames.Flags.Contains(flag)) throw Invalid(source, $"flag {flag} is not supported");
        }
        foreach (var rule in Syscalls)
        {
            var what = rule.Names.Count == 0 ? "a rule" : $"the rule for {string.Join(", ", rule.Names)}";
            if (rule.Names.Count == 0) throw Invalid(source, "a rule names no syscall");
            if (SeccompNames.Action(rule.Action, rule.ErrnoRet) is null) throw Invalid(source, $"{what}: action {rule.Action} is not a supported action");
            if (rule.Args.Count > 6) throw Invalid(source, $"{what}: more than 6 argument conditions");
            foreach (var arg in rule.Args)
            {
                if (SeccompNames.Operator(arg.Op) is null) throw Invalid(source, $"{what}: operator {arg.Op} is not one of SCMP_CMP_NE, LT, LE, EQ, GE, GT, MASKED_EQ");
                if (arg.Index > 5) throw Invalid(source, $"{what}: argument index {arg.Index} is not 0 to 5");
            }
        }
    }

    private static ContainerToolsException Invalid(string source, string reason, Exception? inner = null) =>
        new(ErrorIds.SeccompProfileInvalid, $"The seccomp profile '{source}' is not valid: {reason}.", source, inner, reason);

    private static JsonElement? Member(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string? String(JsonElement e, string name) => Member(e, name)?.GetString();
    private static uint? UInt(JsonElement e, string name) => Member(e, name)?.GetUInt32();
    private static IReadOnlyList<string> Strings(JsonElement e, string name) => Array(e, name, item => item.GetString() ?? "");

    private static IReadOnlyList<T> Array<T>(JsonElement e, string name, Func<JsonElement, T> item)
    {
        if (Member(e, name) is not { } value) return [];
        if (value.ValueKind != JsonValueKind.Array) throw new JsonException($"\"{name}\" must be an array");
        return value.EnumerateArray().Select(item).ToList();
    }
}

internal sealed record SeccompProfileRule
{
    public IReadOnlyList<string> Names { get; init; } = [];
    public required string Action { get; init; }
    public uint? ErrnoRet { get; init; }
    public IReadOnlyList<SeccompArgSpec> Args { get; init; } = [];
    public SeccompRuleFilter? Includes { get; init; }
    public SeccompRuleFilter? Excludes { get; init; }
}

/// <summary>A rule's includes (all must hold) or excludes (any one drops it); arches are Go's names ("amd64").</summary>
internal sealed record SeccompRuleFilter
{
    public IReadOnlyList<string> Caps { get; init; } = [];
    public IReadOnlyList<string> Arches { get; init; } = [];
    public Version? MinKernel { get; init; }
}
