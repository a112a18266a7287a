using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.OciRuntime.Cgroups;

/// <summary>
/// What an ordered list of device rules leaves in force, worked out the way the kernel's cgroup v1 devices controller
/// does (security/device_cgroup.c): a default (allow or deny every device) and exceptions to it. A rule for every
/// device sets the default and drops the exceptions; a rule against the default adds its access to the exception with
/// exactly its type, major and minor; a rule with the default's own action takes access away from that exception. So
/// a later rule overrides an earlier one for the devices it names, and "deny c 10:229" does not punch a hole in
/// "allow c 10:* rwm". v1 gets this normal form written into devices.deny/devices.allow and v2 a BPF program built
/// from it (<see cref="DeviceFilterProgram"/>), so both versions decide every access alike.
/// </summary>
public sealed class DeviceRuleSet
{
    private readonly List<DeviceRule> _exceptions = new();

    /// <summary>A new cgroup beneath an unrestricted parent: everything allowed, no exceptions.</summary>
    public bool DefaultAllow { get; private set; } = true;

    /// <summary>Each with <see cref="DeviceRule.Allow"/> opposite to <see cref="DefaultAllow"/>, in the order first named.</summary>
    public IReadOnlyList<DeviceRule> Exceptions => _exceptions;

    /// <summary>True when nothing is refused: no rule to write, no program to attach.</summary>
    public bool AllowsEverything => DefaultAllow && _exceptions.Count == 0;

    public static DeviceRuleSet From(IEnumerable<DeviceCgroupSpec> rules)
    {
        var set = new DeviceRuleSet();
        foreach (var rule in rules) set.Apply(DeviceRule.From(rule));
        return set;
    }

    public void Apply(DeviceRule rule)
    {
        if (rule.IsEveryDevice)
        {
            DefaultAllow = rule.Allow;
            _exceptions.Clear();
            return;
        }
        var index = _exceptions.FindIndex(e => e.Type == rule.Type && e.Major == rule.Major && e.Minor == rule.Minor);
        if (rule.Allow != DefaultAllow)
        {
            if (index < 0) _exceptions.Add(rule);
            else _exceptions[index] = _exceptions[index] with { Access = _exceptions[index].Access | rule.Access };
        }
        else if (index >= 0)
        {
            var left = _exceptions[index].Access & ~rule.Access;
            if (left == DeviceAccess.None) _exceptions.RemoveAt(index);
            else _exceptions[index] = _exceptions[index] with { Access = left };
        }
    }

    /// <summary>
    /// The kernel's decision for one access to a 'b' or 'c' device: with a deny default one exception must grant every
    /// access asked for; with an allow default no exception may refuse any part of it.
    /// </summary>
    public bool Permits(char type, long major, long minor, DeviceAccess access)
    {
        foreach (var exception in _exceptions)
        {
            if (exception.Type != type) continue;
            if (exception.Major != DeviceRule.Any && exception.Major != major) continue;
            if (exception.Minor != DeviceRule.Any && exception.Minor != minor) continue;
            if (DefaultAllow ? (access & exception.Access) != 0 : (access & ~exception.Access) == 0) return !DefaultAllow;
        }
        return DefaultAllow;
    }

    /// <summary>The rules that rebuild this set in a fresh cgroup: the default for every device, then each exception.</summary>
    public IEnumerable<DeviceRule> Normalized() =>
        new[] { new DeviceRule('a', DeviceRule.Any, DeviceRule.Any, DeviceAccess.All, DefaultAllow) }.Concat(_exceptions);
}
