using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.OciRuntime.Cgroups;

/// <summary>
/// A checked linux.resources.devices entry: type 'a' (every device: major, minor and access do not matter, as in the
/// kernel's v1 controller), 'b' or 'c'; <see cref="Any"/> for a wildcard major or minor.
/// </summary>
public sealed record DeviceRule(char Type, long Major, long Minor, DeviceAccess Access, bool Allow)
{
    public const long Any = -1;

    public bool IsEveryDevice => Type == 'a';

    public static DeviceRule From(DeviceCgroupSpec spec)
    {
        var type = spec.Type switch
        {
            null or "" or "a" => 'a',
            "b" => 'b',
            "c" => 'c',
            _ => throw Invalid(spec, $"type '{spec.Type}' is not a, b or c"),
        };
        if (type == 'a') return new DeviceRule('a', Any, Any, DeviceAccess.All, spec.Allow);
        if (string.IsNullOrEmpty(spec.Access)) throw Invalid(spec, "access is empty");
        var access = ParseAccess(spec.Access) ?? throw Invalid(spec, $"access '{spec.Access}' is not made of r, w and m");
        return new DeviceRule(type, Number(spec, spec.Major, "major"), Number(spec, spec.Minor, "minor"), access, spec.Allow);
    }

    /// <summary>"rwm", "rw", "m"...; null when a character is not r, w or m.</summary>
    public static DeviceAccess? ParseAccess(string text)
    {
        var access = DeviceAccess.None;
        foreach (var c in text)
        {
            switch (c)
            {
                case 'r': access |= DeviceAccess.Read; break;
                case 'w': access |= DeviceAccess.Write; break;
                case 'm': access |= DeviceAccess.Mknod; break;
                default: return null;
            }
        }
        return access;
    }

    public static string AccessText(DeviceAccess access) =>
        string.Concat((access & DeviceAccess.Read) != 0 ? "r" : "", (access & DeviceAccess.Write) != 0 ? "w" : "", (access & DeviceAccess.Mknod) != 0 ? "m" : "");

    /// <summary>The line cgroup v1's devices.allow and devices.deny take: "a", "c 1:3 rwm", "c 136:* rwm".</summary>
    public string CgroupV1Text => IsEveryDevice ? "a" : $"{Type} {NumberText(Major)}:{NumberText(Minor)} {AccessText(Access)}";

    public override string ToString() => $"{(Allow ? "allow" : "deny")} {(IsEveryDevice ? "a *:* rwm" : CgroupV1Text)}";

    private static string NumberText(long number) => number == Any ? "*" : number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // The BPF filter compares with 32-bit immediates; Linux majors have 12 bits and minors 20 anyway.
    private static long Number(DeviceCgroupSpec spec, long? number, string name) =>
        number is null ? Any
        : number is >= 0 and <= int.MaxValue ? number.Value
        : throw Invalid(spec, $"{name} {number} is out of range");

    private static ContainerToolsException Invalid(DeviceCgroupSpec spec, string reason) =>
        new(ErrorIds.InvalidDeviceRule,
            $"The device cgroup rule (allow {spec.Allow}, type '{spec.Type}', {spec.Major}:{spec.Minor}, access '{spec.Access}') is invalid: {reason}.",
            spec);
}
