using System.Runtime.InteropServices;
using ContainerTools.OciRuntime.Seccomp;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Runtime.Security.Seccomp;

/// <summary>
/// A profile to the linux.seccomp one container gets, as moby resolves it (architectures from archMap for this machine,
/// a rule kept when its includes all hold and none of its excludes does, capabilities judged by the bounding set), then
/// made as small as it can be, since ctinit compiles it at every start and exec: rules that restate the default action
/// go, and rules with the same action, errno and arguments become one.
/// </summary>
internal static class SeccompProfileResolver
{
    public static SeccompSpec Resolve(SeccompProfile profile, IReadOnlyCollection<string> boundingCapabilities) =>
        Resolve(profile, boundingCapabilities, NativeArchitecture(), Environment.OSVersion.Version);

    /// <summary><paramref name="architecture"/>: Go's name ("amd64"), as profiles' arches use.</summary>
    public static SeccompSpec Resolve(SeccompProfile profile, IReadOnlyCollection<string> boundingCapabilities, string architecture, Version kernel)
    {
        var defaultAction = SeccompNames.Action(profile.DefaultAction, profile.DefaultErrnoRet);
        var groups = new List<(SeccompSyscallSpec Rule, HashSet<string> Names)>();
        foreach (var rule in profile.Syscalls)
        {
            if (!Applies(rule, boundingCapabilities, architecture, kernel)) continue;
            if (SeccompNames.Action(rule.Action, rule.ErrnoRet) == defaultAction) continue;
            var key = new SeccompSyscallSpec { Action = rule.Action, ErrnoRet = ErrnoOf(rule), Args = rule.Args.Count == 0 ? null : rule.Args };
            var group = groups.FindIndex(g => SameRule(g.Rule, key));
            if (group < 0) groups.Add((key, new HashSet<string>(rule.Names, StringComparer.Ordinal)));
            else groups[group].Names.UnionWith(rule.Names);
        }
        return new SeccompSpec
        {
            DefaultAction = profile.DefaultAction,
            DefaultErrnoRet = profile.DefaultErrnoRet,
            Architectures = Architectures(profile, architecture) is { Count: > 0 } arches ? arches : null,
            Flags = profile.Flags.Count == 0 ? null : profile.Flags,
            Syscalls = groups.Select(g => g.Rule with { Names = g.Names.Order(StringComparer.Ordinal).ToList() }).ToList(),
        };
    }

    private static uint? ErrnoOf(SeccompProfileRule rule) => rule.Action is "SCMP_ACT_ERRNO" or "SCMP_ACT_TRACE" ? rule.ErrnoRet : null;

    private static bool SameRule(SeccompSyscallSpec a, SeccompSyscallSpec b) =>
        a.Action == b.Action && a.ErrnoRet == b.ErrnoRet && (a.Args ?? []).SequenceEqual(b.Args ?? []);

    private static bool Applies(SeccompProfileRule rule, IReadOnlyCollection<string> caps, string architecture, Version kernel)
    {
        if (rule.Excludes is { } excludes)
        {
            if (excludes.Arches.Contains(architecture)) return false;
            if (excludes.Caps.Any(caps.Contains)) return false;
            if (excludes.MinKernel is { } min && kernel >= min) return false;
        }
        if (rule.Includes is { } includes)
        {
            if (includes.Arches.Count > 0 && !includes.Arches.Contains(architecture)) return false;
            if (!includes.Caps.All(caps.Contains)) return false;
            if (includes.MinKernel is { } min && kernel < min) return false;
        }
        return true;
    }

    private static IReadOnlyList<string> Architectures(SeccompProfile profile, string architecture)
    {
        if (profile.Architectures.Count > 0) return profile.Architectures;
        var native = SeccompArchitectures.GetValueOrDefault(architecture);
        foreach (var (arch, subArchitectures) in profile.ArchMap)
        {
            if (arch == native) return [arch, .. subArchitectures];
        }
        return [];
    }

    private static readonly Dictionary<string, string> SeccompArchitectures = new(StringComparer.Ordinal)
    {
        ["amd64"] = "SCMP_ARCH_X86_64", ["x86"] = "SCMP_ARCH_X86", ["arm64"] = "SCMP_ARCH_AARCH64", ["arm"] = "SCMP_ARCH_ARM",
        ["ppc64le"] = "SCMP_ARCH_PPC64LE", ["s390x"] = "SCMP_ARCH_S390X", ["riscv64"] = "SCMP_ARCH_RISCV64",
        ["loong64"] = "SCMP_ARCH_LOONGARCH64",
    };

    private static string NativeArchitecture() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.X86 => "x86",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        Architecture.Ppc64le => "ppc64le",
        Architecture.S390x => "s390x",
        Architecture.LoongArch64 => "loong64",
        var other => other.ToString().ToLowerInvariant(),
    };
}
