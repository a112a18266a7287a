using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Containers.Bundle;

namespace ContainerTools.Runtime.Security;

/// <summary>Capability names as users write them (net_admin, NET_ADMIN, CAP_NET_ADMIN, ALL), and Docker's way of applying --cap-add/--cap-drop.</summary>
public static class CapabilityNames
{
    public const string All = "ALL";

    /// <summary>"CAP_NET_ADMIN" or "ALL"; an unknown name is an InvalidCapability error.</summary>
    public static string Normalize(string name)
    {
        var upper = name.Trim().ToUpperInvariant();
        if (upper == All) return All;
        var full = upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper : "CAP_" + upper;
        return Capabilities.Number(full) is null
            ? throw new ContainerToolsException(ErrorIds.InvalidCapability, $"Unknown capability '{name}': capabilities are named as in capabilities(7), with or without CAP_, or ALL.", name)
            : full;
    }

    /// <summary>
    /// Every capability this kernel knows and the engine itself may pass on (its bounding set; containerd's
    /// WithAllCurrentCapabilities, which Docker uses for --privileged: a confined engine cannot give what it lacks).
    /// </summary>
    /// <remarks>
    /// Read once per process: the kernel's list is fixed until reboot, and the engine's bounding set can only shrink by
    /// its own prctl, which it never makes (ctinit drops its own, in another process).
    /// </remarks>
    public static IReadOnlyList<string> Supported() => SupportedOnce.Value;

    private static readonly Lazy<IReadOnlyList<string>> SupportedOnce = new(() =>
    {
        var last = Capabilities.LastSupported();
        var own = Capabilities.OwnBoundingSet();
        return Capabilities.AllNames.Take(last + 1).Where((_, number) => (own & (1UL << number)) != 0).ToList();
    });

    /// <summary>
    /// moby's TweakCapabilities: add ALL gives every capability but the dropped ones; drop ALL keeps only the added;
    /// otherwise the defaults less the dropped, plus the added. Privileged is every capability.
    /// </summary>
    public static IReadOnlyList<string> Effective(IReadOnlyList<string> add, IReadOnlyList<string> drop, bool privileged)
    {
        if (privileged) return Supported();
        if (add.Contains(All)) return Supported().Where(c => !drop.Contains(c)).ToList();
        if (drop.Contains(All)) return add.ToList();
        var supported = Supported();
        return RuntimeSpecDefaults.Capabilities.Where(c => !drop.Contains(c)).Concat(add).Distinct().Where(supported.Contains).ToList();
    }
}
