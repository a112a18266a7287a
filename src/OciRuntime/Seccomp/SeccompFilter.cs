using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.OciRuntime.Seccomp;

/// <summary>
/// Compiles linux.seccomp with libseccomp and loads it on the calling thread (and so the program it execs). libseccomp
/// is told not to set no_new_privs itself: that is process.noNewPrivileges' decision alone, as in runc, so the caller
/// loads the filter while it still holds CAP_SYS_ADMIN when no_new_privs is off.
/// </summary>
public static unsafe class SeccompFilter
{
    private const int EEXIST = 17;

    /// <summary>
    /// Maps libseccomp now: ctinit compiles the filter after pivot_root, where the container's root (which need not have
    /// the library) is all there is; dlopen then finds the soname already loaded.
    /// </summary>
    public static void LoadLibrary()
    {
        try { System.Runtime.InteropServices.NativeLibrary.Load(Libseccomp.Name); }
        catch (DllNotFoundException ex)
        {
            throw new SystemCallException("dlopen", 2, $"{Libseccomp.Name} (install libseccomp2 to run containers with a seccomp filter): {ex.Message}");
        }
    }

    /// <summary>libseccomp's version ("2.5.4"): a compiled program depends on it too (a newer one knows more syscall names).</summary>
    public static string LibraryVersion()
    {
        var version = Libseccomp.Version();
        return $"{version->Major}.{version->Minor}.{version->Micro}";
    }

    /// <summary>
    /// The BPF program libseccomp makes of <paramref name="spec"/> (struct sock_filter[], 8 bytes each), for
    /// <see cref="LoadCompiled"/>: compiling the Docker profile for x86_64, x86 and x32 takes libseccomp tens of
    /// milliseconds, so the engine does it once and ctinit only loads the result (docs/confinement.md).
    /// </summary>
    public static byte[] Compile(SeccompSpec spec)
    {
        var context = Build(spec);
        var fd = -1;
        try
        {
            fd = memfd_create("seccomp-bpf", 1 /* MFD_CLOEXEC */);
            if (fd < 0) throw new SystemCallException("memfd_create", System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
            Check(Libseccomp.ExportBpf(context, fd), "seccomp_export_bpf");
            using var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true), FileAccess.Read);
            fd = -1;
            stream.Position = 0;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            return memory.ToArray();
        }
        finally
        {
            if (fd >= 0) FileDescriptors.Close(fd);
            Libseccomp.Release(context);
        }
    }

    /// <summary>
    /// Loads a program <see cref="Compile"/> made, with prctl(PR_SET_SECCOMP) as seccomp_load would, or with
    /// seccomp(SECCOMP_SET_MODE_FILTER, flags) when the spec has flags (TSYNC, LOG, SPEC_ALLOW). Needs no_new_privs or
    /// CAP_SYS_ADMIN, like any filter. Allocates nothing.
    /// </summary>
    public static void LoadCompiled(ReadOnlySpan<byte> program, IReadOnlyList<string>? flags = null)
    {
        if (program.Length == 0 || program.Length % 8 != 0 || program.Length / 8 > ushort.MaxValue)
        {
            throw new SystemCallException("seccomp", 22, $"a compiled filter of {program.Length} bytes");
        }
        fixed (byte* instructions = program)
        {
            var fprog = stackalloc byte[16];
            *(ushort*)fprog = (ushort)(program.Length / 8);
            *(byte**)(fprog + 8) = instructions;
            if (flags is not { Count: > 0 })
            {
                SystemCallException.Check(Capabilities.prctl(PrSetSeccomp, SeccompModeFilter, (ulong)fprog, 0, 0), "prctl(PR_SET_SECCOMP)");
                return;
            }
            ulong bits = 0;
            foreach (var flag in flags) bits |= FilterFlag(flag);
            if (syscall(SysSeccomp, SeccompSetModeFilter, bits, (nint)fprog) < 0)
                throw new SystemCallException("seccomp(SECCOMP_SET_MODE_FILTER)", System.Runtime.InteropServices.Marshal.GetLastPInvokeError(), string.Join(",", flags));
        }
    }

    private static ulong FilterFlag(string flag) => flag switch
    {
        "SECCOMP_FILTER_FLAG_TSYNC" => 1,
        "SECCOMP_FILTER_FLAG_LOG" => 2,
        "SECCOMP_FILTER_FLAG_SPEC_ALLOW" => 4,
        _ => throw new SystemCallException("seccomp", 22, $"flag {flag} is not supported"),
    };

    private const long SysSeccomp = 317;
    private const ulong SeccompSetModeFilter = 1;

    [System.Runtime.InteropServices.DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern long syscall(long number, ulong operation, ulong flags, nint args);

    private const int PrSetSeccomp = 22;
    private const ulong SeccompModeFilter = 2;

    [System.Runtime.InteropServices.DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern int memfd_create([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string name, uint flags);

    private static nint Build(SeccompSpec spec)
    {
        var defaultAction = Action(spec.DefaultAction, spec.DefaultErrnoRet);
        var context = Libseccomp.Init(defaultAction);
        if (context == 0) throw new SystemCallException("seccomp_init", 22, spec.DefaultAction);
        try
        {
            Check(Libseccomp.SetAttribute(context, Libseccomp.AttributeNoNewPrivileges, 0), "seccomp_attr_set(SCMP_FLTATR_CTL_NNP)");
            // A binary tree of syscall numbers rather than a list: the kernel takes about 0.3 ms rather than 1 ms to
            // accept Docker's filter (three architectures) here, and each call is decided in fewer steps. libseccomp
            // before 2.5 lacks the attribute and keeps the list.
            Libseccomp.SetAttribute(context, Libseccomp.AttributeOptimize, 2);
            foreach (var flag in spec.Flags ?? []) SetFlag(context, flag);
            foreach (var architecture in spec.Architectures ?? []) AddArchitecture(context, architecture);
            var comparisons = stackalloc Libseccomp.ArgumentComparison[6];
            foreach (var rule in spec.Syscalls ?? [])
            {
                var action = Action(rule.Action, rule.ErrnoRet);
                // libseccomp refuses a rule that only restates the default (EACCES); it changes nothing anyway.
                if (action == defaultAction) continue;
                var count = Comparisons(rule, comparisons);
                // libseccomp takes at most one condition per argument in a rule (EINVAL otherwise). A rule naming an
                // argument twice (runtime-tools' default profile allows personality for 0, 8 or 0xffffffff) means
                // any of them, as runc and crun read it: one rule per condition.
                var alternatives = NamesAnArgumentTwice(rule) ? count : 1;
                foreach (var name in rule.Names)
                {
                    var number = Libseccomp.ResolveSyscall(name);
                    // A syscall this libseccomp (or architecture) does not know cannot be made, so it needs no rule (runc skips it too).
                    if (number == Libseccomp.UnknownSyscall) continue;
                    if (alternatives == 1) Check(Libseccomp.AddRule(context, action, number, count, comparisons), "seccomp_rule_add", name);
                    else for (var i = 0; i < alternatives; i++) Check(Libseccomp.AddRule(context, action, number, 1, comparisons + i), "seccomp_rule_add", name);
                }
            }
            return context;
        }
        catch
        {
            Libseccomp.Release(context);
            throw;
        }
    }

    private static uint Action(string name, uint? errnoRet) =>
        SeccompNames.Action(name, errnoRet) ?? throw new SystemCallException("seccomp", 22, $"action {name} is not supported");

    private static uint Comparisons(SeccompSyscallSpec rule, Libseccomp.ArgumentComparison* comparisons)
    {
        var args = rule.Args ?? [];
        if (args.Count > 6) throw new SystemCallException("seccomp", 22, $"{rule.Names.FirstOrDefault()}: more than 6 argument conditions");
        for (var i = 0; i < args.Count; i++)
        {
            comparisons[i] = new Libseccomp.ArgumentComparison
            {
                Argument = args[i].Index,
                Operator = SeccompNames.Operator(args[i].Op) ?? throw new SystemCallException("seccomp", 22, $"operator {args[i].Op} is not supported"),
                DatumA = args[i].Value,
                DatumB = args[i].ValueTwo,
            };
        }
        return (uint)args.Count;
    }

    private static bool NamesAnArgumentTwice(SeccompSyscallSpec rule)
    {
        var seen = 0;
        foreach (var arg in rule.Args ?? [])
        {
            var bit = 1 << (int)Math.Min(arg.Index, 31);
            if ((seen & bit) != 0) return true;
            seen |= bit;
        }
        return false;
    }

    private static void AddArchitecture(nint context, string name)
    {
        var token = Libseccomp.ResolveArchitecture(SeccompNames.ArchitectureToken(name));
        if (token == 0) throw new SystemCallException("seccomp_arch_resolve_name", 22, name);
        var result = Libseccomp.AddArchitecture(context, token);
        // The native architecture is in every new filter already.
        if (result != -EEXIST) Check(result, "seccomp_arch_add", name);
    }

    private static void SetFlag(nint context, string flag)
    {
        var attribute = flag switch
        {
            "SECCOMP_FILTER_FLAG_TSYNC" => Libseccomp.AttributeThreadSync,
            "SECCOMP_FILTER_FLAG_LOG" => Libseccomp.AttributeLog,
            "SECCOMP_FILTER_FLAG_SPEC_ALLOW" => Libseccomp.AttributeSpeculativeStoreBypass,
            _ => throw new SystemCallException("seccomp", 22, $"flag {flag} is not supported"),
        };
        Check(Libseccomp.SetAttribute(context, attribute, 1), "seccomp_attr_set", flag);
    }

    private static void Check(int result, string call, string? subject = null)
    {
        if (result < 0) throw new SystemCallException(call, -result, subject);
    }
}
