namespace ContainerTools.OciRuntime.Cgroups;

/// <summary>
/// The BPF_PROG_TYPE_CGROUP_DEVICE program that enforces a <see cref="DeviceRuleSet"/> on cgroup v2. The kernel calls
/// it with struct bpf_cgroup_dev_ctx { u32 access_type (access &lt;&lt; 16 | type); u32 major; u32 minor; } in r1 and
/// allows the access when it returns 1. It tests the exceptions one block each, in order, and returns the default when
/// none applies, deciding exactly as <see cref="DeviceRuleSet.Permits"/> (and so as the v1 controller) does.
/// </summary>
public static class DeviceFilterProgram
{
    /// <summary>The kernel only asks GPL-only helpers for a GPL license; this program calls none.</summary>
    public const string License = "MIT";

    /// <summary>What bpftool prog shows (15 characters at most).</summary>
    public const string Name = "ct_devices";

    private const byte R0 = 0, R1 = 1, Type = 2, Access = 3, Major = 4, Minor = 5;
    private const int DeviceBlock = 1, DeviceChar = 2; // BPF_DEVCG_DEV_*

    public static IReadOnlyList<BpfInstruction> Assemble(DeviceRuleSet rules)
    {
        var program = new List<BpfInstruction>
        {
            BpfInstruction.LoadWord(Type, R1, 0),
            BpfInstruction.MoveRegister(Access, Type),
            BpfInstruction.And(Type, 0xffff),
            BpfInstruction.ShiftRight(Access, 16),
            BpfInstruction.LoadWord(Major, R1, 4),
            BpfInstruction.LoadWord(Minor, R1, 8),
        };
        foreach (var exception in rules.Exceptions) program.AddRange(Block(exception, rules.DefaultAllow));
        program.Add(BpfInstruction.Move(R0, rules.DefaultAllow ? 1 : 0));
        program.Add(BpfInstruction.Exit());
        return program;
    }

    /// <summary>
    /// The tests of one exception, each jumping past the block when it fails, then "return the exception's verdict".
    /// An allow exception (deny default) must cover every access asked for; a deny exception (allow default) applies
    /// when it shares any (a request always asks for something, so "rwm" shares with every request).
    /// </summary>
    private static List<BpfInstruction> Block(DeviceRule exception, bool defaultAllow)
    {
        var tests = new List<BpfInstruction> { BpfInstruction.JumpIfNotEqual(Type, exception.Type == 'b' ? DeviceBlock : DeviceChar, 0) };
        if (exception.Major != DeviceRule.Any) tests.Add(BpfInstruction.JumpIfNotEqual(Major, (int)exception.Major, 0));
        if (exception.Minor != DeviceRule.Any) tests.Add(BpfInstruction.JumpIfNotEqual(Minor, (int)exception.Minor, 0));
        if (exception.Access != DeviceAccess.All)
        {
            tests.Add(BpfInstruction.MoveRegister(R1, Access));
            tests.Add(defaultAllow
                ? BpfInstruction.And(R1, (int)exception.Access)
                : BpfInstruction.And(R1, (int)(DeviceAccess.All & ~exception.Access)));
            tests.Add(defaultAllow ? BpfInstruction.JumpIfEqual(R1, 0, 0) : BpfInstruction.JumpIfNotEqual(R1, 0, 0));
        }
        tests.Add(BpfInstruction.Move(R0, exception.Allow ? 1 : 0));
        tests.Add(BpfInstruction.Exit());
        // Every jump lands just past this block's exit.
        for (var i = 0; i < tests.Count; i++)
        {
            if (tests[i].IsJump) tests[i] = tests[i].WithOffset((short)(tests.Count - i - 1));
        }
        return tests;
    }
}
