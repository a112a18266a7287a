using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// bpf(2) for cgroup device programs only: load one (BPF_PROG_LOAD, type BPF_PROG_TYPE_CGROUP_DEVICE), attach it to a
/// cgroup2 directory (BPF_PROG_ATTACH, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI) and count what is attached there. An
/// attachment lasts as long as the cgroup: closing the descriptors afterwards does not detach it.
/// </summary>
public static unsafe class Bpf
{
    private const int ProgLoad = 5, ProgAttach = 8, ProgQuery = 16;
    private const uint ProgTypeCgroupDevice = 15, AttachCgroupDevice = 6, AllowMulti = 2;
    private const int VerifierLogSize = 64 * 1024;

    private static int SyscallNumber => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 280 : 321;

    [StructLayout(LayoutKind.Sequential)]
    private struct ProgLoadAttr
    {
        public uint ProgType;
        public uint InstructionCount;
        public ulong Instructions;
        public ulong License;
        public uint LogLevel;
        public uint LogSize;
        public ulong LogBuffer;
        public uint KernelVersion;
        public uint ProgFlags;
        public fixed byte ProgName[16];
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ProgAttachAttr
    {
        public uint TargetFd;
        public uint AttachBpfFd;
        public uint AttachType;
        public uint AttachFlags;
        public uint ReplaceBpfFd;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ProgQueryAttr
    {
        public uint TargetFd;
        public uint AttachType;
        public uint QueryFlags;
        public uint AttachFlags;
        public ulong ProgIds;
        public uint ProgCount;
    }

    /// <summary>
    /// Loads a cgroup device program (instructions as struct bpf_insn, 8 bytes each) and returns its descriptor
    /// (close-on-exec). When the verifier refuses it, the exception carries the verifier's log.
    /// </summary>
    public static int LoadCgroupDeviceProgram(ReadOnlySpan<ulong> instructions, string license, string name)
    {
        var licenseText = FileDescriptors.Zero(license);
        fixed (ulong* code = instructions)
        fixed (byte* licenseBytes = licenseText)
        {
            var attr = new ProgLoadAttr
            {
                ProgType = ProgTypeCgroupDevice,
                InstructionCount = (uint)instructions.Length,
                Instructions = (ulong)code,
                License = (ulong)licenseBytes,
            };
            var nameBytes = Encoding.ASCII.GetBytes(name);
            for (var i = 0; i < Math.Min(nameBytes.Length, 15); i++) attr.ProgName[i] = nameBytes[i];
            var fd = Call(ProgLoad, &attr, sizeof(ProgLoadAttr));
            if (fd >= 0) return (int)fd;
            var errno = LibC.errno;
            if (errno != LibC.EINVAL && errno != LibC.EACCES) throw new SystemCallException("bpf(BPF_PROG_LOAD)", errno);
            // Loaded again with the verifier's log, only to say why.
            var log = new byte[VerifierLogSize];
            fixed (byte* logBytes = log)
            {
                attr.LogLevel = 1;
                attr.LogSize = VerifierLogSize;
                attr.LogBuffer = (ulong)logBytes;
                fd = Call(ProgLoad, &attr, sizeof(ProgLoadAttr));
                if (fd >= 0) return (int)fd;
            }
            var text = Encoding.UTF8.GetString(log, 0, Math.Max(0, Array.IndexOf(log, (byte)0))).Trim();
            throw new SystemCallException("bpf(BPF_PROG_LOAD)", errno, text.Length == 0 ? null : $"(verifier: {text})");
        }
    }

    /// <summary>Attaches the program to the cgroup2 directory open as <paramref name="cgroupFd"/>, beside any others there.</summary>
    public static void AttachCgroupDeviceProgram(int cgroupFd, int programFd)
    {
        var attr = new ProgAttachAttr { TargetFd = (uint)cgroupFd, AttachBpfFd = (uint)programFd, AttachType = AttachCgroupDevice, AttachFlags = AllowMulti };
        if (Call(ProgAttach, &attr, sizeof(ProgAttachAttr)) < 0) throw new SystemCallException("bpf(BPF_PROG_ATTACH)", LibC.errno);
    }

    /// <summary>How many device programs are attached to the cgroup itself (not inherited from its parents).</summary>
    public static int CountCgroupDevicePrograms(int cgroupFd)
    {
        var attr = new ProgQueryAttr { TargetFd = (uint)cgroupFd, AttachType = AttachCgroupDevice };
        if (Call(ProgQuery, &attr, sizeof(ProgQueryAttr)) < 0) throw new SystemCallException("bpf(BPF_PROG_QUERY)", LibC.errno);
        return (int)attr.ProgCount;
    }

    private static long Call(int command, void* attr, int size) =>
        (long)(ssize_t)LibC.syscall(SyscallNumber, command, attr, size);
}
