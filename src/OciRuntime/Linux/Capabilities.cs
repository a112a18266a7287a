using System.Runtime.InteropServices;
using Tmds.Linux;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>Capability sets as 64-bit masks (bit n = capability n), and the calls that change them on the calling thread.</summary>
public static unsafe class Capabilities
{
    private static readonly string[] Names =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
        "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
        "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
        "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
        "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    private const int PrCapBsetDrop = 24, PrSetKeepCaps = 8, PrCapAmbient = 47, PrCapAmbientRaise = 2, PrCapAmbientClearAll = 4;
    private const uint CapabilityVersion3 = 0x20080522;
    private const int SysCapset = 126;

    public static IReadOnlyList<string> AllNames => Names;

    /// <summary>The capability number for "CAP_X"; null when unknown.</summary>
    public static int? Number(string name)
    {
        var index = Array.IndexOf(Names, name.ToUpperInvariant());
        return index < 0 ? null : index;
    }

    /// <summary>
    /// Bit mask of the named capabilities. A name this list does not know is left out, as runc (with a warning, see
    /// <see cref="Unknown"/>) and crun do: a spec written for a newer kernel still runs; the engine refuses unknown names
    /// when a container is created.
    /// </summary>
    public static ulong Mask(IEnumerable<string>? names)
    {
        ulong mask = 0;
        foreach (var name in names ?? [])
        {
            if (Number(name) is { } number) mask |= 1UL << number;
        }
        return mask;
    }

    /// <summary>The names in any of <paramref name="sets"/> that <see cref="Mask"/> leaves out, each once.</summary>
    public static IReadOnlyList<string> Unknown(params IEnumerable<string>?[] sets) =>
        sets.SelectMany(set => set ?? []).Where(name => Number(name) is null).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The highest capability this kernel knows (/proc/sys/kernel/cap_last_cap); read once: a kernel's never changes.</summary>
    public static int LastSupported()
    {
        if (cachedLastSupported >= 0) return cachedLastSupported;
        try { return cachedLastSupported = int.Parse(System.Text.Encoding.ASCII.GetString(WholeFiles.TryRead("/proc/sys/kernel/cap_last_cap") ?? []).Trim()); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException) { return Names.Length - 1; }
    }

    private static int cachedLastSupported = -1;

    /// <summary>The calling process's bounding set (CapBnd of /proc/self/status): what any process it starts can have at most.</summary>
    public static ulong OwnBoundingSet()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("CapBnd:", StringComparison.Ordinal)) return Convert.ToUInt64(line["CapBnd:".Length..].Trim(), 16);
        }
        return SupportedMask();
    }

    /// <summary>Removes from the bounding set every capability not in <paramref name="keep"/>; needs CAP_SETPCAP.</summary>
    public static void LimitBoundingSet(ulong keep)
    {
        var last = LastSupported();
        for (var cap = 0; cap <= last && cap < 64; cap++)
        {
            if ((keep & (1UL << cap)) != 0) continue;
            SystemCallException.Check(prctl(PrCapBsetDrop, (ulong)cap, 0, 0, 0), "prctl(PR_CAPBSET_DROP)", cap < Names.Length ? Names[cap] : cap.ToString());
        }
    }

    /// <summary>PR_SET_KEEPCAPS: keep the permitted set across the setuid away from root that follows.</summary>
    public static void KeepAcrossSetUid(bool keep) =>
        SystemCallException.Check(prctl(PrSetKeepCaps, keep ? 1UL : 0, 0, 0, 0), "prctl(PR_SET_KEEPCAPS)");

    /// <summary>capset for the calling thread; bits above the kernel's last capability are ignored.</summary>
    public static void Set(ulong effective, ulong permitted, ulong inheritable)
    {
        var supported = SupportedMask();
        effective &= supported; permitted &= supported; inheritable &= supported;
        var header = stackalloc uint[2] { CapabilityVersion3, 0 };
        var data = stackalloc uint[6]
        {
            (uint)effective, (uint)permitted, (uint)inheritable,
            (uint)(effective >> 32), (uint)(permitted >> 32), (uint)(inheritable >> 32),
        };
        SystemCallException.Check((long)(ssize_t)LibC.syscall(SysCapset, header, data), "capset");
    }

    /// <summary>Clears the ambient set, then raises exactly <paramref name="ambient"/> (each must be permitted and inheritable).</summary>
    public static void SetAmbient(ulong ambient)
    {
        SystemCallException.Check(prctl(PrCapAmbient, PrCapAmbientClearAll, 0, 0, 0), "prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
        ambient &= SupportedMask();
        for (var cap = 0; cap < 64; cap++)
        {
            if ((ambient & (1UL << cap)) == 0) continue;
            SystemCallException.Check(prctl(PrCapAmbient, PrCapAmbientRaise, (ulong)cap, 0, 0), "prctl(PR_CAP_AMBIENT_RAISE)", Names[cap]);
        }
    }

    private static ulong SupportedMask()
    {
        var last = LastSupported();
        return last >= 63 ? ulong.MaxValue : (1UL << (last + 1)) - 1;
    }

    [DllImport(LibcLibrary.Name, SetLastError = true)]
    internal static extern int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
}
