using System.Globalization;
using System.Text;
using ContainerTools.OciRuntime.Spec;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.Runtime.Security.Seccomp;

namespace ContainerTools.Runtime.Security;

/// <summary>
/// A container's confinement into its runtime spec, as Docker builds it: capabilities (all five sets), no_new_privs,
/// the seccomp filter resolved for those capabilities, rlimits, sysctls, oom_score_adj, /dev/shm's size, extra groups,
/// and what -Privileged lifts (every capability, no filter, no masked or read-only paths, writable /sys and cgroups).
/// Devices are the bundle writer's (ContainerBundle.Devices).
/// </summary>
internal static class ConfinementSpec
{
    public static RuntimeSpec Apply(RuntimeSpec spec, ContainerDefinition definition, IReadOnlyList<string> layers)
    {
        var confinement = definition.Confinement;
        var privileged = definition.Privileged;
        var capabilities = CapabilityNames.Effective(confinement.CapabilityAdd, confinement.CapabilityDrop, privileged);
        var process = spec.Process with
        {
            // Docker's sets: inheritable and ambient empty (CVE-2022-24769), the rest alike; a non-root user keeps
            // none of them across execve unless the program file has some.
            Capabilities = new CapabilitiesSpec { Bounding = capabilities, Effective = capabilities, Permitted = capabilities, Inheritable = [], Ambient = [] },
            NoNewPrivileges = confinement.NoNewPrivileges,
            Rlimits = confinement.Ulimits.Count == 0 ? spec.Process.Rlimits : confinement.Ulimits.Select(Rlimit).ToList(),
            OomScoreAdj = confinement.OomScoreAdjust,
            User = confinement.GroupAdd.Count == 0 ? spec.Process.User : spec.Process.User with
            {
                AdditionalGids = [.. spec.Process.User.AdditionalGids ?? [], .. confinement.GroupAdd.Select(g => ContainerUser.GroupId(g, layers))],
            },
        };
        var linux = spec.Linux with
        {
            Seccomp = privileged || confinement.SeccompUnconfined ? null
                : confinement.SeccompProfileJson is null ? DefaultFilters.GetOrAdd(string.Join(',', capabilities), _ => SeccompProfileResolver.Resolve(SeccompProfile.Default, capabilities))
                : SeccompProfileResolver.Resolve(Profile(confinement), capabilities),
            Sysctl = confinement.Sysctls.Count == 0 ? null : confinement.Sysctls,
            MaskedPaths = privileged ? null : spec.Linux.MaskedPaths,
            ReadonlyPaths = privileged ? null : spec.Linux.ReadonlyPaths,
        };
        return spec with { Process = process, Linux = linux, Mounts = spec.Mounts.Select(m => Mount(m, privileged, confinement.ShmSize)).ToList() };
    }

    /// <summary>The default profile resolved, per capability set: the same for nearly every container of a session.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SeccompSpec> DefaultFilters = new(StringComparer.Ordinal);

    private static SeccompProfile Profile(ContainerConfinement confinement) =>
        confinement.SeccompProfileJson is { } text ? SeccompProfile.Parse(Encoding.UTF8.GetBytes(text), confinement.SeccompSource ?? "profile") : SeccompProfile.Default;

    private static RlimitSpec Rlimit(Ulimit limit) => new()
    {
        Type = limit.RlimitType,
        Soft = limit.Soft < 0 ? ulong.MaxValue : (ulong)limit.Soft,
        Hard = limit.Hard < 0 ? ulong.MaxValue : (ulong)limit.Hard,
    };

    /// <summary>/dev/shm gets its size; a privileged container's /sys and cgroup mounts are writable.</summary>
    private static MountSpec Mount(MountSpec mount, bool privileged, long? shmSize)
    {
        var options = mount.Options ?? [];
        if (mount.Destination == "/dev/shm" && mount.Type == "tmpfs" && shmSize is { } size)
        {
            return mount with { Options = [.. options.Where(o => !o.StartsWith("size=", StringComparison.Ordinal)), "size=" + size.ToString(CultureInfo.InvariantCulture)] };
        }
        if (privileged && mount.Type is "sysfs" or "cgroup" && options.Contains("ro"))
        {
            return mount with { Options = [.. options.Where(o => o != "ro"), "rw"] };
        }
        return mount;
    }
}
