using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.Runtime.Containers.Bundle;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Tests.Cgroups;

/// <summary>
/// The device rules' normal form, worked out as the v1 controller does, and the BPF program built from it, run here by
/// a small interpreter of the opcodes it uses (the kernel runs it in DeviceCgroupKernelTests).
/// </summary>
public sealed class DeviceRuleSetTests
{
    private const DeviceAccess R = DeviceAccess.Read, W = DeviceAccess.Write, M = DeviceAccess.Mknod;

    private static DeviceCgroupSpec Rule(bool allow, string? type, long? major, long? minor, string access) =>
        new() { Allow = allow, Type = type, Major = major, Minor = minor, Access = access };

    public static TheoryData<char, long, long, DeviceAccess, bool> DockerDecisions => new()
    {
        { 'c', 1, 3, R | W, true },     // null
        { 'c', 1, 5, R, true },         // zero
        { 'c', 1, 7, W, true },         // full
        { 'c', 1, 8, R, true },         // random
        { 'c', 1, 9, R, true },         // urandom
        { 'c', 5, 0, R | W, true },     // tty
        { 'c', 5, 1, R | W, true },     // console
        { 'c', 5, 2, R | W, true },     // ptmx
        { 'c', 136, 7, R | W, true },   // pts/7
        { 'c', 10, 200, R | W, true },  // net/tun
        { 'c', 10, 229, R | W, false }, // fuse, only when asked
        { 'c', 1, 1, R, false },        // mem
        { 'c', 1, 11, R, false },       // kmsg
        { 'b', 7, 0, R, false },        // loop0
        { 'b', 8, 0, R | W, false },    // the host's disk
        { 'b', 8, 0, M, true },         // mknod of any node, without opening it
        { 'c', 4, 1, M, true },
        { 'c', 4, 1, M | R, false },
    };

    [Theory]
    [MemberData(nameof(DockerDecisions))]
    public void DockersDefaultsOpenOnlyTheStandardNodesAndMakeAny(char type, long major, long minor, DeviceAccess access, bool allowed)
    {
        var rules = DeviceRuleSet.From(RuntimeSpecDefaults.DeviceRules);

        Assert.False(rules.DefaultAllow);
        Assert.Equal(allowed, rules.Permits(type, major, minor, access));
        Assert.Equal(allowed, Run(rules, type, major, minor, access));
    }

    [Fact]
    public void TheDefaultsNormalizeToDockersDevicesList()
    {
        // What /sys/fs/cgroup/devices/docker/ID/devices.list shows for a default Docker container.
        var lines = DeviceRuleSet.From(RuntimeSpecDefaults.DeviceRules).Normalized().Select(rule => $"{(rule.Allow ? "allow" : "deny")} {rule.CgroupV1Text}");

        Assert.Equal(
            ["deny a", "allow c *:* m", "allow b *:* m", "allow c 1:3 rwm", "allow c 1:5 rwm", "allow c 1:7 rwm", "allow c 1:8 rwm", "allow c 1:9 rwm",
             "allow c 5:0 rwm", "allow c 5:1 rwm", "allow c 5:2 rwm", "allow c 136:* rwm", "allow c 10:200 rwm"],
            lines);
    }

    [Fact]
    public void ALaterRuleOverridesAnEarlierOneForTheDevicesItNames()
    {
        var rules = DeviceRuleSet.From([.. RuntimeSpecDefaults.DeviceRules, Rule(true, "c", 10, 229, "rwm"), Rule(false, "c", 10, 229, "w")]);

        Assert.True(rules.Permits('c', 10, 229, R));
        Assert.False(rules.Permits('c', 10, 229, R | W));
        Assert.Equal("rm", DeviceRule.AccessText(rules.Exceptions.Single(e => e.Minor == 229).Access));
        Assert.False(Run(rules, 'c', 10, 229, R | W));
        Assert.True(Run(rules, 'c', 10, 229, R));
    }

    [Fact]
    public void ADenyDoesNotPunchAHoleInAWildcardAllow()
    {
        // The kernel only removes the exception with exactly that type, major and minor.
        var rules = DeviceRuleSet.From([Rule(false, "a", null, null, "rwm"), Rule(true, "c", 10, null, "rwm"), Rule(false, "c", 10, 229, "rwm")]);

        Assert.True(rules.Permits('c', 10, 229, R | W));
        Assert.True(Run(rules, 'c', 10, 229, R | W));
    }

    [Fact]
    public void AnAllowDefaultRefusesAnyPartOfADeniedAccess()
    {
        var rules = DeviceRuleSet.From([.. RuntimeSpecDefaults.PrivilegedDeviceRules, Rule(false, "c", 1, 3, "w")]);

        Assert.True(rules.DefaultAllow);
        foreach (var (access, allowed) in new[] { (R, true), (W, false), (R | W, false), (M, true) })
        {
            Assert.Equal(allowed, rules.Permits('c', 1, 3, access));
            Assert.Equal(allowed, Run(rules, 'c', 1, 3, access));
        }
        Assert.True(Run(rules, 'b', 8, 0, R | W));
    }

    [Fact]
    public void PrivilegedRefusesNothingAndARuleForEveryDeviceDropsTheExceptions()
    {
        Assert.True(DeviceRuleSet.From(RuntimeSpecDefaults.PrivilegedDeviceRules).AllowsEverything);
        Assert.True(DeviceRuleSet.From([]).AllowsEverything);
        var reset = DeviceRuleSet.From([.. RuntimeSpecDefaults.DeviceRules, Rule(true, null, null, null, "rwm")]);
        Assert.True(reset.AllowsEverything);
        Assert.True(Run(reset, 'b', 8, 0, R | W | M));
    }

    [Fact]
    public void TheProgramDecidesEveryProbeAsTheRuleSet()
    {
        var sets = new[]
        {
            DeviceRuleSet.From(RuntimeSpecDefaults.DeviceRules),
            DeviceRuleSet.From([.. RuntimeSpecDefaults.DeviceRules, Rule(true, "c", 10, 229, "r"), Rule(true, "b", 7, null, "rw")]),
            DeviceRuleSet.From([Rule(true, "a", null, null, "rwm"), Rule(false, "b", null, null, "w"), Rule(false, "c", 1, 3, "rm")]),
        };
        foreach (var rules in sets)
        {
            foreach (var type in new[] { 'b', 'c' })
            foreach (var major in new long[] { 1, 5, 7, 10, 136, 4095 })
            foreach (var minor in new long[] { 0, 1, 3, 200, 229 })
            for (var access = 1; access <= 7; access++)
            {
                Assert.Equal(rules.Permits(type, major, minor, (DeviceAccess)access), Run(rules, type, major, minor, (DeviceAccess)access));
            }
        }
    }

    [Theory]
    [InlineData("x", 1L, 3L, "rwm", "type 'x'")]
    [InlineData("c", 1L, 3L, "rwx", "access 'rwx'")]
    [InlineData("c", 1L, 3L, "", "access is empty")]
    [InlineData("b", -2L, 3L, "r", "major -2")]
    [InlineData("b", 1L, 4294967296L, "r", "minor 4294967296")]
    public void AnInvalidRuleIsAClearError(string type, long major, long minor, string access, string reason)
    {
        var ex = Assert.Throws<ContainerToolsException>(() => DeviceRuleSet.From([Rule(true, type, major, minor, access)]));

        Assert.Equal("InvalidDeviceRule", ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains(reason, ex.Message);
    }

    /// <summary>Runs the assembled program on struct bpf_cgroup_dev_ctx for one access; true when it returns 1.</summary>
    private static bool Run(DeviceRuleSet rules, char type, long major, long minor, DeviceAccess access)
    {
        var program = DeviceFilterProgram.Assemble(rules).Select(i => i.Encode()).ToArray();
        uint[] context = [((uint)access << 16) | (type == 'b' ? 1u : 2u), (uint)major, (uint)minor];
        var registers = new ulong[11];
        for (var pc = 0; pc < program.Length; pc++)
        {
            var instruction = program[pc];
            var opcode = (byte)instruction;
            var destination = (int)(instruction >> 8) & 0x0f;
            var source = (int)(instruction >> 12) & 0x0f;
            var offset = (short)(instruction >> 16);
            var immediate = (int)(instruction >> 32);
            switch (opcode)
            {
                case 0x61: Assert.Equal(1, source); registers[destination] = context[offset / 4]; break;
                case 0xbc: registers[destination] = (uint)registers[source]; break;
                case 0xb4: registers[destination] = (uint)immediate; break;
                case 0x54: registers[destination] = (uint)registers[destination] & (uint)immediate; break;
                case 0x74: registers[destination] = (uint)registers[destination] >> immediate; break;
                case 0x55: if (registers[destination] != (ulong)(long)immediate) pc += offset; break;
                case 0x15: if (registers[destination] == (ulong)(long)immediate) pc += offset; break;
                case 0x95: return registers[0] == 1;
                default: throw new InvalidOperationException($"opcode 0x{opcode:x2} at {pc}");
            }
        }
        throw new InvalidOperationException("the program ran off its end");
    }
}
