using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.OciRuntime.Cgroups;

/// <summary>
/// The device rules every container gets (moby's default spec plus the list runc and crun append): deny everything,
/// then mknod of any node, the standard character devices, ttys, pts and net/tun. The engine writes them into each
/// bundle; ctrun appends <see cref="AlwaysAllowed"/> to a bundle's own rules, as runc does.
/// </summary>
public static class StandardDeviceRules
{
    public static readonly IReadOnlyList<DeviceCgroupSpec> AlwaysAllowed =
    [
        new() { Allow = true, Type = "c", Access = "m" },
        new() { Allow = true, Type = "b", Access = "m" },
        Character(1, 3), Character(1, 5), Character(1, 7), Character(1, 8), Character(1, 9), // null zero full random urandom
        Character(5, 0), Character(5, 1), Character(5, 2), // tty console ptmx
        Character(136, null), // pts
        Character(10, 200), // net/tun
    ];

    public static readonly IReadOnlyList<DeviceCgroupSpec> Docker = [new() { Allow = false, Access = "rwm" }, .. AlwaysAllowed];

    private static DeviceCgroupSpec Character(long major, long? minor) => new() { Allow = true, Type = "c", Major = major, Minor = minor, Access = "rwm" };
}
