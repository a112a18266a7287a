namespace ContainerTools.OciRuntime.Seccomp;

/// <summary>
/// libseccomp's action and operator names as runtime-spec spells them, to their values. Pure code: the engine checks a
/// profile with it at create time, ctinit compiles with it.
/// </summary>
public static class SeccompNames
{
    /// <summary>What an ERRNO action without errnoRet returns (runtime-spec: EPERM).</summary>
    public const uint DefaultErrno = 1;

    private const uint KillThread = 0x00000000, KillProcess = 0x80000000, Trap = 0x00030000, Errno = 0x00050000,
        Trace = 0x7ff00000, Log = 0x7ffc0000, Allow = 0x7fff0000;

    /// <summary>The filter flags libseccomp sets through an attribute, by runtime-spec name.</summary>
    public static readonly IReadOnlyList<string> Flags = ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"];

    /// <summary>The action's value, with the errno (ERRNO) or message (TRACE) in its low 16 bits; null when unknown or unsupported.</summary>
    public static uint? Action(string name, uint? errnoRet) => name switch
    {
        "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => KillThread,
        "SCMP_ACT_KILL_PROCESS" => KillProcess,
        "SCMP_ACT_TRAP" => Trap,
        "SCMP_ACT_ERRNO" => Errno | ((errnoRet ?? DefaultErrno) & 0xffff),
        "SCMP_ACT_TRACE" => Trace | ((errnoRet ?? DefaultErrno) & 0xffff),
        "SCMP_ACT_LOG" => Log,
        "SCMP_ACT_ALLOW" => Allow,
        _ => null, // SCMP_ACT_NOTIFY needs a listener, which this runtime does not offer
    };

    /// <summary>enum scmp_compare; null when unknown.</summary>
    public static int? Operator(string name) => name switch
    {
        "SCMP_CMP_NE" => 1,
        "SCMP_CMP_LT" => 2,
        "SCMP_CMP_LE" => 3,
        "SCMP_CMP_EQ" => 4,
        "SCMP_CMP_GE" => 5,
        "SCMP_CMP_GT" => 6,
        "SCMP_CMP_MASKED_EQ" => 7,
        _ => null,
    };

    /// <summary>libseccomp's token for "SCMP_ARCH_X86_64" ("x86_64").</summary>
    public static string ArchitectureToken(string name) =>
        (name.StartsWith("SCMP_ARCH_", StringComparison.Ordinal) ? name["SCMP_ARCH_".Length..] : name).ToLowerInvariant();
}
