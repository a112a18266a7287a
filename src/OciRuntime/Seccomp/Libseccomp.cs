using System.Runtime.InteropServices;

namespace ContainerTools.OciRuntime.Seccomp;

/// <summary>
/// The part of libseccomp (libseccomp.so.2, the library runc and crun use) that compiles a filter and loads it.
/// Loaded on first use only: a container without a filter never maps it. Its calls return -errno rather than set errno.
/// </summary>
internal static unsafe partial class Libseccomp
{
    public const string Name = "libseccomp.so.2";

    /// <summary>__NR_SCMP_ERROR: a name this libseccomp does not know.</summary>
    public const int UnknownSyscall = -1;

    /// <summary>enum scmp_filter_attr.</summary>
    public const int AttributeNoNewPrivileges = 3, AttributeThreadSync = 4, AttributeLog = 6, AttributeSpeculativeStoreBypass = 7, AttributeOptimize = 8;

    [StructLayout(LayoutKind.Sequential)]
    public struct ArgumentComparison
    {
        public uint Argument;
        public int Operator;
        public ulong DatumA;
        public ulong DatumB;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct LibraryVersion
    {
        public uint Major;
        public uint Minor;
        public uint Micro;
    }

    [LibraryImport(Name, EntryPoint = "seccomp_version")] public static partial LibraryVersion* Version();
    [LibraryImport(Name, EntryPoint = "seccomp_init")] public static partial nint Init(uint defaultAction);
    [LibraryImport(Name, EntryPoint = "seccomp_release")] public static partial void Release(nint context);
    [LibraryImport(Name, EntryPoint = "seccomp_attr_set")] public static partial int SetAttribute(nint context, int attribute, uint value);
    [LibraryImport(Name, EntryPoint = "seccomp_arch_resolve_name", StringMarshalling = StringMarshalling.Utf8)] public static partial uint ResolveArchitecture(string name);
    [LibraryImport(Name, EntryPoint = "seccomp_arch_add")] public static partial int AddArchitecture(nint context, uint architecture);
    [LibraryImport(Name, EntryPoint = "seccomp_syscall_resolve_name", StringMarshalling = StringMarshalling.Utf8)] public static partial int ResolveSyscall(string name);
    [LibraryImport(Name, EntryPoint = "seccomp_rule_add_array")] public static partial int AddRule(nint context, uint action, int syscall, uint count, ArgumentComparison* comparisons);
    [LibraryImport(Name, EntryPoint = "seccomp_load")] public static partial int Load(nint context);
    [LibraryImport(Name, EntryPoint = "seccomp_export_bpf")] public static partial int ExportBpf(nint context, int fd);
}
