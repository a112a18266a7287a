using System.Text.Json.Serialization;

namespace ContainerTools.OciRuntime.Spec;

/// <summary>
/// runtime-spec linux.seccomp: a filter already resolved for one container (the engine has applied a profile's
/// includes and excludes); ctinit compiles it with libseccomp as it stands. Actions and operators use libseccomp's
/// names ("SCMP_ACT_ERRNO", "SCMP_CMP_MASKED_EQ"), architectures too ("SCMP_ARCH_X86_64").
/// </summary>
public sealed record SeccompSpec
{
    [JsonPropertyName("defaultAction")] public string DefaultAction { get; init; } = "SCMP_ACT_ALLOW";
    [JsonPropertyName("defaultErrnoRet")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public uint? DefaultErrnoRet { get; init; }
    [JsonPropertyName("architectures")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Architectures { get; init; }
    [JsonPropertyName("flags")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Flags { get; init; }
    /// <summary>Null too when read by <see cref="RuntimeSpecReader.ReadWithoutSeccompRules"/>: <see cref="Source"/> then has them.</summary>
    [JsonPropertyName("syscalls")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<SeccompSyscallSpec>? Syscalls { get; init; }

    /// <summary>The section's UTF-8 text exactly as config.json has it (set by the reader): what a precompiled filter is matched against.</summary>
    [JsonIgnore] public byte[]? Source { get; init; }
}

/// <summary>One rule: every name gets the action when all the argument conditions hold.</summary>
public sealed record SeccompSyscallSpec
{
    [JsonPropertyName("names")] public IReadOnlyList<string> Names { get; init; } = [];
    [JsonPropertyName("action")] public string Action { get; init; } = "";
    [JsonPropertyName("errnoRet")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public uint? ErrnoRet { get; init; }
    [JsonPropertyName("args")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<SeccompArgSpec>? Args { get; init; }
}

public sealed record SeccompArgSpec
{
    [JsonPropertyName("index")] public uint Index { get; init; }
    [JsonPropertyName("value")] public ulong Value { get; init; }
    [JsonPropertyName("valueTwo")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong ValueTwo { get; init; }
    [JsonPropertyName("op")] public string Op { get; init; } = "";
}
