namespace ContainerTools.OciRuntime.Cgroups;

/// <summary>
/// One eBPF instruction (struct bpf_insn: opcode, dst and src registers in one byte, a 16-bit offset, a 32-bit
/// immediate), with only the opcodes the device filter needs. Jump offsets count instructions after the jump.
/// </summary>
public readonly record struct BpfInstruction(byte Opcode, byte Destination, byte Source, short Offset, int Immediate)
{
    // Classes, sources and operations from linux/bpf_common.h and linux/bpf.h.
    private const byte ClassLoadX = 0x01, ClassJump = 0x05, ClassAlu32 = 0x04;
    private const byte SizeWord = 0x00, ModeMemory = 0x60;
    private const byte SourceImmediate = 0x00, SourceRegister = 0x08;
    private const byte OpAnd = 0x50, OpRightShift = 0x70, OpMove = 0xb0;
    private const byte OpJumpEqual = 0x10, OpJumpNotEqual = 0x50, OpExit = 0x90;

    /// <summary>dst = *(u32 *)(src + offset), zero-extended.</summary>
    public static BpfInstruction LoadWord(byte destination, byte source, short offset) =>
        new(ClassLoadX | SizeWord | ModeMemory, destination, source, offset, 0);

    /// <summary>dst = imm (32-bit, upper half cleared).</summary>
    public static BpfInstruction Move(byte destination, int immediate) => new(ClassAlu32 | SourceImmediate | OpMove, destination, 0, 0, immediate);

    /// <summary>dst = src (32-bit).</summary>
    public static BpfInstruction MoveRegister(byte destination, byte source) => new(ClassAlu32 | SourceRegister | OpMove, destination, source, 0, 0);

    public static BpfInstruction And(byte destination, int immediate) => new(ClassAlu32 | SourceImmediate | OpAnd, destination, 0, 0, immediate);

    public static BpfInstruction ShiftRight(byte destination, int bits) => new(ClassAlu32 | SourceImmediate | OpRightShift, destination, 0, 0, bits);

    /// <summary>if (dst != imm) skip <paramref name="skip"/> instructions.</summary>
    public static BpfInstruction JumpIfNotEqual(byte destination, int immediate, short skip) => new(ClassJump | SourceImmediate | OpJumpNotEqual, destination, 0, skip, immediate);

    /// <summary>if (dst == imm) skip <paramref name="skip"/> instructions.</summary>
    public static BpfInstruction JumpIfEqual(byte destination, int immediate, short skip) => new(ClassJump | SourceImmediate | OpJumpEqual, destination, 0, skip, immediate);

    /// <summary>Returns r0.</summary>
    public static BpfInstruction Exit() => new(ClassJump | OpExit, 0, 0, 0, 0);

    public bool IsJump => (Opcode & 0x07) == ClassJump && Opcode != (ClassJump | OpExit);

    public BpfInstruction WithOffset(short offset) => this with { Offset = offset };

    /// <summary>The 8 bytes the kernel reads, little-endian as on every architecture this engine runs on.</summary>
    public ulong Encode() =>
        Opcode | (ulong)(byte)((Destination & 0x0f) | (Source << 4)) << 8 | (ulong)(ushort)Offset << 16 | (ulong)(uint)Immediate << 32;
}
