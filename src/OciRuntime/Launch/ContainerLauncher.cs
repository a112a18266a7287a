using System.Runtime.ExceptionServices;
using System.Text.Json;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Spec;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.OciRuntime.Launch;

/// <summary>
/// Starts a container from an OCI bundle: a dedicated thread enters new namespaces and posix_spawns ctinit, which
/// becomes PID 1, builds the root filesystem, drops privileges and execs the spec's program. See docs/container-start.md.
/// </summary>
public static class ContainerLauncher
{
    /// <summary>
    /// Returns once the container's program has been exec'd (or throws ContainerStartFailed with ctinit's reason).
    /// The caller reaps the returned pid.
    /// </summary>
    public static LaunchedContainer Start(LaunchRequest request, EarlyInit? early = null)
    {
        using var created = Create(request, early, goAtOnce: true);
        return created.Start();
    }

    /// <summary>
    /// Sets the container up to just before execve (see <see cref="CreatedContainer"/>), or throws ContainerStartFailed
    /// with ctinit's reason (ctinit is then reaped). <paramref name="early"/>: a ctinit already spawned for this request
    /// (<see cref="SpawnEarlyJoin"/>, <see cref="SpawnEarlyCreate"/>), continued if it fits the request and the spec's
    /// namespaces, else ended; the caller still disposes it.
    /// </summary>
    public static CreatedContainer Create(LaunchRequest request, EarlyInit? early = null) => Create(request, early, goAtOnce: false);

    /// <param name="goAtOnce">
    /// For a caller that does nothing between ready and go (<see cref="Start"/>: a new container's monitor, an exec, a
    /// probe): the go is written right behind the bundle, so ctinit execs as soon as it is set up, without waiting for
    /// the launcher to read its ready and answer (a round trip between two processes). Not with a terminal, whose master
    /// and window size the launcher handles in between, nor with a user namespace stage, nor with a caller's own gate.
    /// </param>
    private static CreatedContainer Create(LaunchRequest request, EarlyInit? early, bool goAtOnce)
    {
        var bundlePath = Path.GetFullPath(request.BundlePath);
        var spec = request.Spec ?? BundleReader.ReadWithoutSeccompRules(bundlePath); // ctinit loads the filter, not the launcher
        if (spec.Process.Args.Count == 0)
            throw new ContainerToolsException(ErrorIds.NoCommand, "The bundle's process has no args: there is nothing to run.", bundlePath);
        var plan = NamespacePlan.From(spec, bundlePath, request.JoinExisting);
        var initPath = HelperBinary.Init.Locate(request.InitPath);
        if (request.SpecOnGate && (request.Spec is null || !request.JoinExisting || plan.User is not null))
            throw new InvalidOperationException("LaunchRequest.SpecOnGate needs Spec and JoinExisting, and no user namespace.");
        goAtOnce = goAtOnce && request.Terminal is null && plan.User is null && request.StartGateFd < 0;
        // What goes on the gate behind the spawn: the spec (or the early ctinit's bundle word), then the go.
        byte[] bundleWord = request.SpecOnGate ? SpecOnGate(spec) : [];
        byte[] go = goAtOnce ? [InitProtocol.Go] : [];
        int pid, reportRead, gateWrite, console, userSync = -1;
        if (early is not null && early.Fits(request, plan, bundlePath, initPath))
        {
            (pid, reportRead, gateWrite, console) = early.Continue(request, plan, bundleWord.Length > 0 ? bundleWord : null, go);
        }
        else
        {
            IReadOnlyList<string> argv = [.. InitProtocol.Arguments(initPath, bundlePath, request.CgroupJoinFiles, request.JoinExisting, request.Terminal is not null),
                .. UserNamespaceStage.Arguments(plan, spec), .. request.SpecOnGate ? [InitProtocol.AwaitBundleOption] : Array.Empty<string>()];
            (pid, reportRead, gateWrite, console, userSync) = Spawn(plan, initPath, argv, request, bundlePath, withUserSync: plan.User is not null);
            // ctinit gone (EPIPE): its report, read next, says why.
            try { if (bundleWord.Length + go.Length > 0) FileDescriptors.WriteAll(gateWrite, [.. bundleWord, .. go]); }
            catch (SystemCallException) { }
            // After the spawn: the early ctinit may still be starting, and its end (and reaping) overlaps this one's start.
            early?.Dispose();
        }
        if (userSync >= 0) pid = CompleteUserNamespace(userSync, pid, spec, reportRead, gateWrite, console);

        var tag = new byte[1];
        int read;
        try
        {
            read = FileDescriptors.Read(reportRead, tag);
        }
        catch
        {
            FileDescriptors.Close(reportRead);
            FileDescriptors.Close(gateWrite);
            try { Signals.Send(pid, Signals.SigKill); } catch (SystemCallException) { }
            ProcessWait.Wait(pid);
            throw;
        }
        if (read == 1 && tag[0] == InitProtocol.Ready)
        {
            var created = new CreatedContainer(pid, reportRead, gateWrite, bundlePath, goSent: goAtOnce);
            if (request.Terminal is { } size) created.TakeTerminal(ReceiveTerminal(console, size, created, bundlePath));
            return created;
        }

        FileDescriptors.Close(console);
        FileDescriptors.Close(gateWrite);
        byte[] rest;
        try { rest = read == 0 ? [] : FileDescriptors.ReadToEnd(reportRead); }
        finally { FileDescriptors.Close(reportRead); }
        throw StartFailure(pid, read == 0 ? [] : [tag[0], .. rest], bundlePath);
    }

    /// <summary>
    /// The spec for ctinit's gate. A seccomp section read from a config.json goes beside it as written
    /// (<see cref="SeccompSpec.Source"/>), the spec's own section without its rules: the rules are most of an exec's spec
    /// (12 of Docker's profile's 18 kB), which ctinit would parse only to find the text it matches against the
    /// container's precompiled program, and which the serializer would write again only for that.
    /// </summary>
    private static byte[] SpecOnGate(RuntimeSpec spec)
    {
        if (spec.Linux.Seccomp is not { Source: { } source } seccomp)
            return InitProtocol.EncodeSpec(JsonSerializer.SerializeToUtf8Bytes(spec, RuntimeSpecJsonContext.Default.RuntimeSpec));
        var withoutRules = spec with { Linux = spec.Linux with { Seccomp = seccomp with { Syscalls = null } } };
        return InitProtocol.EncodeSpec(JsonSerializer.SerializeToUtf8Bytes(withoutRules, RuntimeSpecJsonContext.Default.RuntimeSpec), source);
    }

    /// <summary>
    /// Spawns ctinit for a process that will join a running container (<see cref="EarlyJoin"/>) before the caller has
    /// its spec: in the namespaces of <paramref name="containerPid"/> (uts, ipc, net, pid), waiting on its gate for the
    /// bundle. Its runtime starts while the caller builds and writes the bundle; <see cref="Create"/> continues it.
    /// </summary>
    public static EarlyJoin SpawnEarlyJoin(LaunchRequest request, int containerPid)
    {
        var bundlePath = Path.GetFullPath(request.BundlePath);
        var initPath = HelperBinary.Init.Locate(request.InitPath);
        var joins = EarlyJoin.JoinedKinds.Select(kind => (kind, $"/proc/{containerPid}/ns/{Namespaces.ProcName(kind)}")).ToList();
        IReadOnlyList<string> argv = [.. InitProtocol.Arguments(initPath, bundlePath, request.CgroupJoinFiles, exec: true, request.Terminal is not null),
            InitProtocol.AwaitBundleOption];
        var (pid, reportRead, gateWrite, console, _) = Spawn(new NamespacePlan(0, joins), initPath, argv, request, bundlePath, withUserSync: false);
        return new EarlyJoin(pid, reportRead, gateWrite, console, request, joins, bundlePath, initPath);
    }

    /// <summary>
    /// Spawns a new container's ctinit (<see cref="EarlyCreate"/>) before its bundle, root mount and cgroup exist: in a
    /// new pid namespace only, with <paramref name="request"/>'s stdio and terminal, waiting on its gate. Its runtime starts
    /// while the caller makes the rest; <see cref="Create"/> continues it with the spec's namespaces and the request's cgroups.
    /// </summary>
    public static EarlyCreate SpawnEarlyCreate(LaunchRequest request)
    {
        var bundlePath = Path.GetFullPath(request.BundlePath);
        var initPath = HelperBinary.Init.Locate(request.InitPath);
        IReadOnlyList<string> argv = [.. InitProtocol.Arguments(initPath, bundlePath, [], exec: false, request.Terminal is not null),
            InitProtocol.AwaitBundleOption];
        var newPid = new NamespacePlan(Namespaces.CloneFlag(NamespaceKind.Pid), []);
        var (pid, reportRead, gateWrite, console, _) = Spawn(newPid, initPath, argv, request, bundlePath, withUserSync: false);
        return new EarlyCreate(pid, reportRead, gateWrite, console, request, bundlePath, initPath);
    }

    private static (int Pid, int ReportRead, int GateWrite, int Console, int UserSync) Spawn(
        NamespacePlan plan, string initPath, IReadOnlyList<string> argv, LaunchRequest request, string bundlePath, bool withUserSync)
    {
        var (reportRead, reportWrite) = FileDescriptors.Pipe();
        // A caller that outlives no container (ctrun create) hands in its own gate, a FIFO that a later process opens.
        var ownGate = request.StartGateFd < 0;
        var (gateRead, gateWrite) = ownGate ? FileDescriptors.Pipe() : (request.StartGateFd, -1);
        var (console, consoleForInit) = request.Terminal is null ? (-1, -1) : UnixSockets.SeqPacketPair();
        var (userSync, userSyncForInit) = withUserSync ? UnixSockets.SeqPacketPair() : (-1, -1);
        try
        {
            var fds = new Dictionary<int, int>
            {
                [0] = request.StdinFd,
                [1] = request.StdoutFd,
                [2] = request.StderrFd,
                [InitProtocol.ReportFd] = reportWrite,
                [InitProtocol.GateFd] = gateRead,
            };
            if (consoleForInit >= 0) fds[InitProtocol.ConsoleSocketFd] = consoleForInit;
            if (userSyncForInit >= 0) fds[InitProtocol.UserNamespaceSyncFd] = userSyncForInit;
            var options = new SpawnOptions { FileDescriptors = fds, ResetSignals = true, NewSession = true };
            return (SpawnInNamespaces(plan, initPath, argv, options, bundlePath), reportRead, gateWrite, console, userSync);
        }
        catch
        {
            FileDescriptors.Close(reportRead);
            FileDescriptors.Close(gateWrite);
            FileDescriptors.Close(console);
            FileDescriptors.Close(userSync);
            throw;
        }
        finally
        {
            FileDescriptors.Close(reportWrite);
            if (ownGate) FileDescriptors.Close(gateRead);
            // Only ctinit holds this end now: if it dies without sending the master, the receive reads end of file.
            FileDescriptors.Close(consoleForInit);
            FileDescriptors.Close(userSyncForInit);
        }
    }

    /// <summary>ctinit's user namespace stage: the maps, then the pid of the container's init (see UserNamespaceStage).</summary>
    private static int CompleteUserNamespace(int sync, int stagePid, RuntimeSpec spec, int reportRead, int gateWrite, int console)
    {
        try
        {
            // null: the stage gave up, and its report (read next) says why.
            return UserNamespaceStage.Complete(sync, stagePid, spec.Linux.UidMappings, spec.Linux.GidMappings) ?? stagePid;
        }
        catch
        {
            FileDescriptors.Close(reportRead);
            FileDescriptors.Close(gateWrite);
            FileDescriptors.Close(console);
            try { Signals.Send(stagePid, Signals.SigKill); } catch (SystemCallException) { }
            ProcessWait.Wait(stagePid);
            throw;
        }
        finally { FileDescriptors.Close(sync); }
    }

    /// <summary>ctinit sent the master before it reported ready, so it is already queued on the socket.</summary>
    private static int ReceiveTerminal(int console, TerminalSize size, CreatedContainer created, string bundlePath)
    {
        try
        {
            var master = UnixSockets.ReceiveDescriptor(console);
            if (master < 0)
                throw new ContainerToolsException(ErrorIds.ContainerStartFailed, "The container could not start: its init process sent no terminal.", bundlePath);
            try { PseudoTerminals.SetWindowSize(master, size.Columns, size.Rows); }
            catch { FileDescriptors.Close(master); throw; }
            return master;
        }
        catch
        {
            created.Dispose();
            throw;
        }
        finally { FileDescriptors.Close(console); }
    }

    /// <summary>Reaps ctinit and describes why it gave up (an empty report: it died without a word).</summary>
    internal static ContainerToolsException StartFailure(int pid, byte[] report, string bundlePath)
    {
        var status = ProcessWait.Wait(pid);
        if (report.Length == 0 || report[0] != InitProtocol.Failed)
            return new ContainerToolsException(ErrorIds.ContainerStartFailed, $"The container could not start: its init process ended without a report ({Describe(status)}).", bundlePath);
        var (errno, message) = InitProtocol.DecodeFailure(report.AsSpan(1));
        var kind = errno switch
        {
            2 => ErrorKind.NotFound, // ENOENT
            1 or 13 => ErrorKind.PermissionDenied, // EPERM, EACCES
            _ => ErrorKind.InvalidOperation,
        };
        // ctinit says "exec: ..." when the program could not be found or run: docker run's 127 and 126.
        var exitCode = !message.StartsWith("exec:", StringComparison.Ordinal) ? ExitCodes.EngineError
            : errno == 2 ? ExitCodes.CommandNotFound : ExitCodes.CannotInvoke;
        return new ContainerToolsException(ErrorIds.ContainerStartFailed with { Kind = kind, ExitCode = exitCode },
            $"The container could not start: {message}", bundlePath, reason: message, errno: errno);
    }

    private static string Describe(ExitStatus status) => status.Signaled ? $"killed by signal {status.Signal}" : $"exit code {status.Code}";

    /// <summary>
    /// Namespaces belong to threads. A dedicated thread changes its own, spawns (children inherit them, and CLONE_NEWPID
    /// only applies to children), then goes back to the original ones so that no thread of this process stays altered.
    /// </summary>
    private static int SpawnInNamespaces(NamespacePlan plan, string initPath, IReadOnlyList<string> argv, SpawnOptions options, string bundlePath)
    {
        var pid = -1;
        ExceptionDispatchInfo? failure = null;
        // A pthread: NativeAOT's Thread.Start (ctmon, ctrun) yields in a loop until the new thread runs (see NativeThread).
        NativeThread.Start(() =>
        {
            try { pid = SpawnOnThisThread(plan, initPath, argv, options); }
            catch (Exception ex) { failure = ExceptionDispatchInfo.Capture(ex); }
        }, "ct launch", stackSize: 256 * 1024).Join(Timeout.InfiniteTimeSpan);
        if (failure?.SourceException is SystemCallException syscall)
            throw new ContainerToolsException(ErrorIds.ContainerStartFailed, $"The container could not start: {syscall.Message}", bundlePath, syscall);
        failure?.Throw();
        return pid;
    }

    private static int SpawnOnThisThread(NamespacePlan plan, string initPath, IReadOnlyList<string> argv, SpawnOptions options)
    {
        var originals = new List<(NamespaceKind Kind, int Fd)>();
        try
        {
            foreach (var kind in plan.Affected) originals.Add((kind, Namespaces.OpenOwn(kind)));
            Namespaces.Enter(plan.Joins, plan.UnshareFlags);
            return ProcessSpawn.Spawn(initPath, argv, [], options);
        }
        finally
        {
            foreach (var (kind, fd) in originals)
            {
                // Best effort: the thread ends right after, and its namespaces go with it.
                try { Namespaces.Join(fd, kind); } catch (SystemCallException) { }
                FileDescriptors.Close(fd);
            }
        }
    }
}
