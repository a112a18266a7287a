using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Events;
using ContainerTools.OciRuntime.Files;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Monitor;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Monitor;

/// <summary>
/// Starts the container, tells the engine, logs its output, reaps it, cleans up its cgroup and root mount, records how
/// it ended, and hands the rest of the exit (network, state.json, an AutoRemove container) to the engine: to an
/// attached engine that claimed it, else to the exit command (ctcleanup).
/// The engine spawns it before it mounts the root filesystem and creates the cgroup (both recorded in state.json),
/// and tells it to go once they are (<see cref="EngineGo"/>).
/// </summary>
internal static class ContainerMonitor
{
    // An attached engine settles the exit in milliseconds; one that hangs longer (stopped with Ctrl-Z) is not waited for.
    private static readonly TimeSpan ClaimerGrace = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan TrimDelay = TimeSpan.FromSeconds(1);

    public static int Run(ContainerPaths paths, MonitorArguments arguments)
    {
        var initPath = arguments.InitPath;
        // First of all: ctinit's own start runs while the engine does its work and this monitor reads and prepares.
        var early = EarlyStart.Spawn(paths, initPath);
        if (!EngineGo.Wait())
        {
            early?.Dispose();
            return 0;
        }
        CgroupHandle? cgroupHandle = null;
        Cgroup? cgroup = null;
        MonitoredContainer? definition = null;
        var events = ContainerEvents.ForContainerDirectory(paths.Directory);
        int pid;
        NativeThread[] pumps;
        ContainerLog log;
        AttachServer? attach = null;
        var mountNamespace = -1;
        DateTimeOffset startedAt;
        try
        {
            var state = StateFiles.Read(paths.StateFile, MonitorFileJson.ReadState)
                ?? throw new InvalidOperationException($"'{paths.StateFile}' is missing.");
            cgroupHandle = state.Cgroup;
            definition = StateFiles.Read(paths.DefinitionFile, MonitorFileJson.ReadContainer);
            cgroup = cgroupHandle is null ? null : Cgroup.Open(cgroupHandle);

            log = new ContainerLog(paths.LogFile, arguments.Service.LogMaxSize, arguments.Service.LogMaxFiles);
            // Taken before the launch so that every line of this run is logged at or after it (Attach relies on that).
            startedAt = DateTimeOffset.UtcNow;
            // Listening before the launch: whoever started the container can attach as soon as Start returns.
            attach = AttachServer.Listen(paths.Directory);
            if (arguments.AttachFd >= 0) attach.AddConnected(arguments.AttachFd);
            pid = Launch(paths, initPath, cgroup, log, attach, definition, early, out pumps);
            mountNamespace = MountNamespaceHold.Take(pid);
            RecordStart(paths, events, definition, new MonitorStartedRecord { Pid = pid, StartedAt = startedAt });
        }
        catch (Exception ex)
        {
            FileDescriptors.Close(mountNamespace);
            attach?.Dispose();
            ReadyPipe.Fail(ex);
            return 1;
        }
        finally
        {
            // Unless the launch continued it: the early ctinit ends on its closed gate and is reaped.
            early?.Dispose();
        }
        // For a systemd unit's PIDFile= (Export-ContainerSystemdUnit); written before the engine's Start returns.
        // Written in place: File.WriteAllText truncates even a new file, and on ext4 the close after a truncate to
        // zero writes the data back at once (auto_da_alloc), a tenth of a millisecond of CPU on every start.
        try { WholeFiles.WriteInPlace(paths.MonitorPidFile, System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))); }
        catch (IOException) { }
        ReadyPipe.Succeed();

        var policy = arguments.Service.RestartPolicy;
        var health = arguments.Service.Health;
        // Nothing can run it again (no restart policy, no health check): its first exit is its last.
        var lastRunOnly = !policy.RestartsAtAll && health is null;
        using var stopRequest = lastRunOnly ? null : StopRequest.Listen();
        var prober = health is null || definition is null ? null : new HealthProber(paths, health, initPath, cgroup, events, definition, stopRequest!);
        prober?.RunStarted(pid, startedAt);
        // Starting touched most of this binary and of libc; the rest of the monitor's life needs a small part of that.
        // Trimmed once the start has settled: a program that ends within it (`true`) does not pay for the trim, and
        // what the new threads' first steps touch does not come back right after it. The trim is part of the wait, so
        // that no code runs between the two (TrimAndWaitStage, WorkingSet.TrimCodeAndWait).
        var trim = !ProcessWait.EndsWithin(pid, TrimDelay);
        var backoff = new RestartBackoff();
        var restarts = 0;
        string? error = null;
        var oomKilled = false;
        // The cgroup's counter is cumulative over the runs a restart policy makes.
        var oomKillsSeen = 0L;
        ExitStatus status;
        ExitTeardown? teardown = null;
        var cgroupRemoved = false;
        while (true)
        {
            status = trim ? TrimAndWaitStage.TrimCodeAndWait(pid) : ProcessWait.Wait(pid);
            // The last exit: the mount namespace and the root go on another thread while this one removes the cgroup.
            if (lastRunOnly) teardown = ExitTeardown.Start(mountNamespace, paths);
            else FileDescriptors.Close(mountNamespace);
            mountNamespace = -1;
            prober?.RunEnded();
            var lasted = DateTimeOffset.UtcNow - startedAt;
            try
            {
                var oomKills = cgroup?.OomKillCount() ?? 0;
                oomKilled = oomKills > oomKillsSeen;
                oomKillsSeen = oomKills;
                // The kernel killed the rest of the pid namespace with its PID 1; this only catches what joined the
                // cgroup from outside (before the pumps are joined: such a process may hold the output pipes).
                if (lastRunOnly)
                {
                    ContainerCleanup.RemoveCgroup(cgroupHandle);
                    cgroupRemoved = true;
                }
                else if (cgroup is not null && cgroup.Pids().Count > 0) cgroup.KillAll();
            }
            catch (Exception ex)
            {
                error = ex.Message;
            }
            foreach (var pump in pumps) pump.Join(TimeSpan.FromSeconds(5));
            if (lastRunOnly) break;
            var healthRestart = stopRequest?.TakeRestartRequest() == true;
            var stoppedByUser = StoppedByUser(paths, stopRequest);
            if (error is not null || stoppedByUser || !(healthRestart || policy.ShouldRestart(status.ShellCode, restarts, stoppedByUser))) break;

            // The policy restarts it: the root mount, the cgroup and the network namespace stay; the launch runs again from the bundle.
            definition = ReadDefinition(paths, definition);
            if (definition is null) break;
            RecordDie(events, definition, status, oomKilled);
            AtomicFile.Write(paths.StartedFile, MonitorFileJson.Write(new MonitorStartedRecord
            {
                MonitorPid = Environment.ProcessId,
                MonitorStartTime = ProcStat.StartTime(Environment.ProcessId) ?? 0,
                StartedAt = startedAt,
                RestartCount = restarts,
                Restarting = true,
                LastExitCode = status.ShellCode,
            }), durable: false);
            // Stop, Kill and a forced Remove end the wait at once (SIGTERM to the monitor, see StopRequest).
            if (stopRequest!.Wait(backoff.Next(lasted)) || StoppedByUser(paths, stopRequest) || !File.Exists(paths.DefinitionFile)) break;
            try
            {
                startedAt = DateTimeOffset.UtcNow;
                pid = Launch(paths, initPath, cgroup, log, attach, definition, early: null, out pumps);
                mountNamespace = MountNamespaceHold.Take(pid);
                restarts++;
                RecordStart(paths, events, definition, new MonitorStartedRecord { Pid = pid, StartedAt = startedAt, RestartCount = restarts });
                prober?.RunStarted(pid, startedAt);
                trim = !ProcessWait.EndsWithin(pid, TrimDelay);
            }
            catch (Exception ex)
            {
                error = $"The restart policy could not start the program again: {ex.Message}";
                break;
            }
        }
        prober?.End();
        log.Dispose();
        try
        {
            if (teardown is null) ContainerCleanup.Run(paths, cgroupHandle);
            else if (!cgroupRemoved) ContainerCleanup.RemoveCgroup(cgroupHandle);
        }
        catch (Exception ex)
        {
            error ??= ex.Message;
        }
        // A forced remove may have deleted the container meanwhile; writing would recreate its directory.
        var removed = !File.Exists(paths.DefinitionFile);
        if (!removed)
        {
            // Before exit.json: whoever waits for the exit (Stop, Remove) records its own event after this one.
            // Re-read: the container may have been renamed while it ran.
            definition = ReadDefinition(paths, definition);
            if (definition is not null) RecordDie(events, definition, status, oomKilled);
        }
        // exit.json says the root is unmounted: the teardown thread is done before it is written.
        var teardownError = teardown?.Join();
        error ??= teardownError;
        if (removed)
        {
            attach.Dispose();
            return 0;
        }
        // exit.json is durable (a kept container's exit code outlives a power cut) unless the container is removed now.
        AtomicFile.Write(paths.ExitFile, MonitorFileJson.Write(new MonitorExitRecord
        {
            ExitCode = status.ShellCode,
            Signal = status.Signal,
            OomKilled = oomKilled,
            FinishedAt = DateTimeOffset.UtcNow,
            Error = error,
            RestartCount = restarts,
        }), durable: definition?.AutoRemove != true);
        attach.SendExit(status.ShellCode);
        var claimed = attach.WaitForClaimers(ClaimerGrace);
        attach.Dispose();
        if (arguments.ExitCommand.Count > 0 && LeavesSomethingBehind(paths, definition) && !(claimed && Settled(paths, definition?.AutoRemove == true)))
        {
            RunExitCommand(arguments);
        }
        // As conmon: the monitor's exit status is the container's (a systemd unit's Restart=on-failure acts on it).
        return status.ShellCode;
    }

    private static int Launch(ContainerPaths paths, string? initPath, Cgroup? cgroup, ContainerLog log, AttachServer attach, MonitoredContainer? definition,
        EarlyStart? early, out NativeThread[] pumps) =>
        definition?.Tty == true
            ? StartOnTerminal(paths, initPath, cgroup, log, attach, definition.Interactive, out pumps)
            : StartOnPipes(paths, initPath, cgroup, log, attach, definition?.Interactive == true, definition?.Interactive == true ? null : early?.Take(), out pumps);

    /// <summary>started.json, then the "start" event: recorded here rather than by the engine so that "start" always precedes this run's "die".</summary>
    private static void RecordStart(ContainerPaths paths, ContainerEvents events, MonitoredContainer? definition, MonitorStartedRecord run)
    {
        var self = Environment.ProcessId;
        // Not durable: it records a run, which a power cut ends (docs/storage.md, Durability).
        AtomicFile.Write(paths.StartedFile, MonitorFileJson.Write(run with { MonitorPid = self, MonitorStartTime = ProcStat.StartTime(self) ?? 0 }), durable: false);
        if (definition is not null) events.Append(ContainerEvent.For(definition.Id, definition.Name, definition.Image, ContainerEventActions.Start));
    }

    private static void RecordDie(ContainerEvents events, MonitoredContainer definition, ExitStatus status, bool oomKilled)
    {
        if (oomKilled) events.Append(ContainerEvent.For(definition.Id, definition.Name, definition.Image, ContainerEventActions.Oom));
        events.Append(ContainerEvent.For(definition.Id, definition.Name, definition.Image, ContainerEventActions.Die,
            new Dictionary<string, string> { ["exitCode"] = status.ShellCode.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
    }

    private static MonitoredContainer? ReadDefinition(ContainerPaths paths, MonitoredContainer? known)
    {
        try { return StateFiles.Read(paths.DefinitionFile, MonitorFileJson.ReadContainer) ?? known; }
        catch (Exception) { return known; }
    }

    /// <summary>Stop and Kill record it in state.json before they signal, and also signal the monitor (StopRequest).</summary>
    private static bool StoppedByUser(ContainerPaths paths, StopRequest? request)
    {
        if (request?.IsSet == true) return true;
        try { return StateFiles.Read(paths.StateFile, MonitorFileJson.ReadState)?.StoppedByUser == true; }
        catch (Exception) { return false; }
    }

    /// <summary>
    /// What only the engine can release: a network (the netns mount, or networks joined with Connect, read from the
    /// current container.json), or the container itself when it is to be removed. A container on no network that is
    /// kept needs nothing more: reads merge exit.json, and the next write operation records it.
    /// </summary>
    private static bool LeavesSomethingBehind(ContainerPaths paths, MonitoredContainer? definition) =>
        definition is null || definition.AutoRemove || definition.ConnectedNetworks.Count > 0 || File.Exists(paths.NetnsFile);

    /// <summary>
    /// Whether the engine (an attached client, or a Stop or Remove that waited for the exit under the container's lock)
    /// has already done what the exit command would: the container is gone or runs again under another monitor, or,
    /// unless it is to be removed, its state.json records this run's exit.
    /// </summary>
    private static bool Settled(ContainerPaths paths, bool autoRemove)
    {
        try
        {
            var state = StateFiles.Read(paths.StateFile, MonitorFileJson.ReadState);
            if (state is null || !File.Exists(paths.DefinitionFile)) return true;
            var active = state.Status is ContainerStatus.Running or ContainerStatus.Paused;
            // A short program can exit before the engine recorded its start: then the state is not this run's yet.
            var thisRun = state.MonitorPid == Environment.ProcessId;
            return (active && !thisRun) || (!active && thisRun && !autoRemove);
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>
    /// ctcleanup (conmon's --exit-command): not waited for; it takes the container's lock, releases the network,
    /// records the exit and removes an AutoRemove container. If it cannot run, the next write operation does that.
    /// </summary>
    private static void RunExitCommand(MonitorArguments arguments)
    {
        try
        {
            ProcessSpawn.Spawn(arguments.ExitCommand[0], arguments.ExitCommand, arguments.ExitEnvironment, new SpawnOptions
            {
                FileDescriptors = new Dictionary<int, int> { [0] = 0, [1] = 1, [2] = 2 },
                ResetSignals = true,
            });
        }
        catch (Exception)
        {
            // Nobody to tell: the exit stays unsettled until the next write operation on the container.
        }
    }

    internal static LaunchRequest Request(ContainerPaths paths, string? initPath, Cgroup? cgroup, int stdin, int stdout, int stderr) => new()
    {
        BundlePath = paths.BundleDirectory,
        StdinFd = stdin,
        StdoutFd = stdout,
        StderrFd = stderr,
        CgroupJoinFiles = cgroup?.JoinFiles ?? [],
        InitPath = initPath,
    };

    /// <summary>
    /// stdout and stderr are logged as separate streams. stdin is /dev/null, or for an Interactive container (docker run
    /// -i) a pipe whose write end the attach server holds: attached clients write to it, and can close it.
    /// <paramref name="early"/>: the ctinit spawned at the monitor's start and its pipes, continued if the spec fits.
    /// </summary>
    private static int StartOnPipes(ContainerPaths paths, string? initPath, Cgroup? cgroup, ContainerLog log, AttachServer attach, bool interactive,
        (EarlyCreate Init, ContainerPipes Pipes)? early, out NativeThread[] pumps)
    {
        var pipes = early?.Pipes ?? ContainerPipes.Open(interactive);
        int pid;
        try
        {
            pid = ContainerLauncher.Start(Request(paths, initPath, cgroup, pipes.Stdin, pipes.OutWrite, pipes.ErrWrite), early?.Init).Pid;
        }
        catch
        {
            pipes.CloseMonitorEnds();
            throw;
        }
        finally
        {
            pipes.CloseContainerEnds();
        }
        attach.Serve(pipes.StdinWrite, terminal: false);
        pumps = [log.Pump(pipes.OutRead, "stdout", attach), log.Pump(pipes.ErrRead, "stderr", attach)];
        return pid;
    }

    /// <summary>
    /// docker run -t: ctinit opens a pty in the container's own devpts (the container sees /dev/pts/0), makes the slave
    /// its stdio and controlling terminal, and sends the master back through the launcher. Everything the container
    /// writes comes out of the master as "stdout", with the terminal's "\r\n" line ends kept as docker's json-file does.
    /// Attached clients may resize it; with Interactive (docker run -it) their input is written to it too.
    /// </summary>
    private static int StartOnTerminal(ContainerPaths paths, string? initPath, Cgroup? cgroup, ContainerLog log, AttachServer attach, bool interactive, out NativeThread[] pumps)
    {
        var devNull = FileDescriptors.Open("/dev/null", 2 /* O_RDWR */);
        LaunchedContainer launched;
        try
        {
            launched = ContainerLauncher.Start(Request(paths, initPath, cgroup, devNull, devNull, devNull) with { Terminal = TerminalSize.Default });
        }
        finally
        {
            FileDescriptors.Close(devNull);
        }
        var master = launched.TerminalMaster;
        // Once no slave is open the master reads EIO: that, not an error, is the end of the container's output.
        // The attach server writes to its own copy: the pump closes the master when it is done reading.
        attach.Serve(FileDescriptors.DuplicateCloseOnExec(master), terminal: true, acceptInput: interactive);
        pumps = [log.Pump(master, "stdout", attach)];
        return launched.Pid;
    }
}
