using System.Text.Json;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Init;

/// <summary>
/// ctinit BUNDLE [--exec] [--await-bundle] [--cgroup-join FILE]...: PID 1 of a new container, started by the launcher
/// already inside the new mount, uts, ipc, network and pid namespaces (or, spawned early with --await-bundle, only the
/// pid one: it enters the rest on the go). It sets the container up and execs its program (docs/container-start.md).
/// With --exec it instead joins a running container (docs/exec.md) and execs the spec's process there.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        try
        {
            // A successful execve closes the report pipe: that end-of-file is the launcher's "started".
            FileDescriptors.SetCloseOnExec(InitProtocol.ReportFd);
            FileDescriptors.SetCloseOnExec(InitProtocol.GateFd);
            Run(args);
            return 0; // only when the launcher gave up on this container before starting it
        }
        catch (InitFailure failure)
        {
            return Report(failure.Errno, failure.Message);
        }
        catch (SystemCallException failure)
        {
            return Report(failure.Errno, failure.Message);
        }
        catch (Exception failure)
        {
            return Report(0, failure.Message);
        }
    }

    private static void Run(string[] args)
    {
        // Until execve, nobody (least of all a process in the container) may open /proc/1/exe or ptrace us.
        ProcessControl.SetDumpable(false);
        var (bundle, cgroupJoinFiles, exec, consoleSocket, awaitBundle) = ParseArguments(args);
        // Spawned while the engine still writes the bundle (EarlyJoin, EarlyCreate): its word first, or end-of-file if it gave up.
        byte[]? specFromGate = null, seccompFromGate = null;
        // An exec names the container's own bundle, complete long before: its precompiled filter is read while the
        // engine still builds the spec, and used only if the spec comes over the gate (else the bundle was just written).
        var programFile = awaitBundle && exec ? ContainerSeccomp.ReadProgramFile(bundle) : null;
        // A new container's, while it waits: the host's cgroup layout, which its "cgroup" mount repeats.
        if (awaitBundle && !exec) CgroupFilesystem.ReadAhead();
        if (awaitBundle && !AwaitBundle(out specFromGate, out seccompFromGate)) return;
        if (awaitBundle && !exec)
        {
            // A new container's, born only in its pid namespace: this thread, the one that execs, enters the others now.
            if (CreateGo.Read(InitProtocol.GateFd) is not { } go) return;
            if (go.Joins.Any(join => join.Kind == NamespaceKind.Mount)) CgroupFilesystem.ForgetReadAhead();
            Namespaces.Enter(go.Joins, go.UnshareFlags);
            cgroupJoinFiles.AddRange(go.CgroupJoinFiles);
        }
        // With a user namespace, the stage before Main already joined the cgroups and set oom_score_adj as the host's root.
        var inUserNamespace = UserNamespaceOptions.Given(args);
        if (inUserNamespace) cgroupJoinFiles.Clear();
        var spec = ReadSpec(bundle, inUserNamespace, specFromGate, seccompFromGate);
        // The filter's program (or libseccomp to compile it) is on the host: prepared while the host's root is ours to see.
        var seccomp = ContainerSeccomp.Prepare(spec, bundle, specFromGate is null ? null : programFile);

        ContainerCgroup.Enter(spec, cgroupJoinFiles);
        ContainerTime.Enter(spec);
        if (exec)
        {
            ContainerJoin.EnterMountNamespace(spec);
        }
        else
        {
            var rootfs = Path.GetFullPath(Path.Combine(bundle, spec.Root.Path));
            var ownMounts = spec.Linux.Namespaces.Any(ns => ns.Type == "mount");
            RootFilesystem.Build(spec, bundle, rootfs, inUserNamespace, ownMounts);
            if (ownMounts) RootFilesystem.PivotInto(rootfs);
            else RootFilesystem.ChrootInto(rootfs);
            RootPropagation.Apply(spec);
            // The container's /proc/sys, before FinishInside makes it read-only.
            KernelParameters.Apply(spec);
            RootFilesystem.FinishInside(spec, inUserNamespace);
            if (spec.Hostname is { } hostname && HasOwnNamespace(spec, "uts")) Identity.SetHostname(hostname);
            if (spec.Domainname is { } domainname && HasOwnNamespace(spec, "uts")) DomainName.Set(domainname);
        }

        if (spec.Process.OomScoreAdj is { } oomScoreAdj && !inUserNamespace) OomScore.SetOwn(oomScoreAdj);
        // After the mounts (or the join): the pty must come from the container's own devpts, so that it sees /dev/pts/N.
        if (consoleSocket) ContainerConsole.Create(spec.Process.User.Uid);
        else if (spec.Process.Terminal) Terminals.MakeControlling(0);

        var cwd = spec.Process.Cwd;
        if (!cwd.StartsWith('/')) throw new InitFailure(InitFailure.EINVAL, $"process.cwd must be absolute: {cwd}");
        // A running container's directories are its own business: exec enters an existing one or fails.
        if (!exec) Directory.CreateDirectory(cwd);
        ContainerJoin.EnterWorkingDirectory(cwd);

        // Before any filter: close_range is newer than many profiles (runtime-tools' default denies it), and a profile
        // may allow personality(2) for a few values only.
        FileDescriptors.CloseOnExecFrom(InitProtocol.ReportFd);
        ContainerPersonality.Apply(spec);
        // As late as possible, since an RLIMIT_AS below what this process has mapped fails any further allocation that
        // needs more memory; but before the credentials, which drop CAP_SYS_RESOURCE (raising a hard limit needs it)
        // and check RLIMIT_NPROC at setuid.
        foreach (var limit in spec.Process.Rlimits ?? []) ResourceLimits.Set(limit.Type, limit.Soft, limit.Hard);
        // Without no_new_privs, loading a filter takes CAP_SYS_ADMIN: so before the credentials drop it (runc's order;
        // the filter must then allow the few calls that follow, as Docker's profile does).
        if (!spec.Process.NoNewPrivileges) seccomp?.Load();
        ProcessCredentials.Apply(spec.Process);
        // The root changed under the cwd's feet only if something went wrong; CVE-2024-21626 was a cwd outside the root.
        Directory.SetCurrentDirectory(cwd);
        var executable = ExecutableLookup.Find(spec.Process.Args[0], spec.Process.Env);

        ProcessUmask.Set(spec.Process.User.Umask ?? 0x12 /* 0022, runc's default */);
        if (spec.Process.NoNewPrivileges) ProcessControl.SetNoNewPrivileges();
        if (spec.Process.NoNewPrivileges) seccomp?.Load();
        if (!AwaitGo()) return;
        Signals.ResetForExec();
        Execution.Replace(executable, spec.Process.Args, spec.Process.Env);
    }

    /// <summary>Tells the launcher the container is ready, then waits for its go; false if it closed the gate instead.</summary>
    private static bool AwaitGo()
    {
        FileDescriptors.WriteAll(InitProtocol.ReportFd, [InitProtocol.Ready]);
        return AwaitGate(InitProtocol.Go);
    }

    /// <summary>
    /// The launcher's word that the bundle is ready: <see cref="InitProtocol.BundleWritten"/>, or the spec itself after
    /// <see cref="InitProtocol.SpecFollows"/> (<paramref name="spec"/>, and <paramref name="seccomp"/>, its seccomp
    /// section's text when it came beside it); false on end-of-file (it gave up on this ctinit).
    /// </summary>
    private static bool AwaitBundle(out byte[]? spec, out byte[]? seccomp)
    {
        spec = seccomp = null;
        Span<byte> word = stackalloc byte[1];
        if (FileDescriptors.Read(InitProtocol.GateFd, word) != 1) return false;
        if (word[0] == InitProtocol.BundleWritten) return true;
        if (word[0] != InitProtocol.SpecFollows) return false;
        spec = ReadGateBlock("spec");
        seccomp = ReadGateBlock("seccomp section");
        if (seccomp.Length == 0) seccomp = null;
        return true;
    }

    /// <summary>A length (int32 LE) and that many bytes from the gate.</summary>
    private static byte[] ReadGateBlock(string what)
    {
        Span<byte> header = stackalloc byte[4];
        ReadGateExactly(header);
        var length = InitProtocol.DecodeSpecLength(header);
        if (length < 0) throw new InitFailure(InitFailure.EINVAL, $"the launcher sent a {what} of an invalid length");
        var block = new byte[length];
        ReadGateExactly(block);
        return block;
    }

    private static void ReadGateExactly(Span<byte> buffer)
    {
        if (!FileDescriptors.TryReadExactly(InitProtocol.GateFd, buffer)) throw new InitFailure(InitFailure.EINVAL, "the launcher's spec ended early");
    }

    private static bool AwaitGate(byte expected)
    {
        Span<byte> word = stackalloc byte[1];
        return FileDescriptors.Read(InitProtocol.GateFd, word) == 1 && word[0] == expected;
    }

    internal static bool HasOwnNamespace(RuntimeSpec spec, string type) =>
        spec.Linux.Namespaces.Any(ns => ns.Type == type && string.IsNullOrEmpty(ns.Path));

    private static (string Bundle, List<string> CgroupJoinFiles, bool Exec, bool ConsoleSocket, bool AwaitBundle) ParseArguments(string[] args)
    {
        if (args.Length == 0) throw new InitFailure(InitFailure.EINVAL, "usage: ctinit BUNDLE [--exec] [--await-bundle] [--console-socket] [--cgroup-join FILE]...");
        var files = new List<string>();
        var exec = false;
        var consoleSocket = false;
        var awaitBundle = false;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == InitProtocol.CgroupJoinOption && i + 1 < args.Length) files.Add(args[++i]);
            else if (args[i] == InitProtocol.ExecOption) exec = true;
            else if (args[i] == InitProtocol.ConsoleSocketOption) consoleSocket = true;
            else if (args[i] == InitProtocol.AwaitBundleOption) awaitBundle = true;
            else if (UserNamespaceOptions.IsStageOption(args[i]) && i + 1 < args.Length) i++;
            else throw new InitFailure(InitFailure.EINVAL, $"ctinit: unexpected argument '{args[i]}'");
        }
        if (consoleSocket) FileDescriptors.SetCloseOnExec(InitProtocol.ConsoleSocketFd);
        return (args[0], files, exec, consoleSocket, awaitBundle);
    }

    /// <param name="seccompFromGate">linux.seccomp's text as config.json has it, sent beside a spec whose section has no rules.</param>
    private static RuntimeSpec ReadSpec(string bundle, bool openedByStage, byte[]? fromGate, byte[]? seccompFromGate)
    {
        var path = fromGate is null ? Path.Combine(bundle, "config.json") : "the spec on the gate";
        try
        {
            // The seccomp rules only when there is no precompiled program for them (ContainerSeccomp.Prepare).
            var spec = RuntimeSpecReader.ReadWithoutSeccompRules(openedByStage ? UserNamespaceOptions.ReadSpec() : fromGate ?? File.ReadAllBytes(path));
            if (spec.Process.Args.Count == 0) throw new InitFailure(InitFailure.EINVAL, "process.args is empty");
            if (seccompFromGate is not null && spec.Linux.Seccomp is { } seccomp)
                spec = spec with { Linux = spec.Linux with { Seccomp = seccomp with { Source = seccompFromGate } } };
            return spec;
        }
        catch (JsonException ex)
        {
            throw new InitFailure(InitFailure.EINVAL, $"{path}: {ex.Message}");
        }
        catch (IOException ex)
        {
            throw new InitFailure(InitFailure.ENOENT, $"{path}: {ex.Message}");
        }
    }

    private static int Report(int errno, string message)
    {
        try { FileDescriptors.WriteAll(InitProtocol.ReportFd, InitProtocol.EncodeFailure(errno, message)); }
        catch (SystemCallException) { }
        return InitProtocol.SetupFailedExitCode;
    }
}
