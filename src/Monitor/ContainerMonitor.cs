using ContainerTools.Runtime.Cgroups;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.Events;
using ContainerTools.Runtime.Containers.Launch;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.Runtime.Linux;

namespace ContainerTools.Monitor;

/// <summary>
/// Starts the container, tells the engine, logs its output, reaps it, records how it ended, and cleans up.
/// The engine has already mounted the root filesystem and created the cgroup (both recorded in state.json).
/// </summary>
internal static class ContainerMonitor
{
    public static int Run(ContainerPaths paths, string? initPath)
    {
        CgroupHandle? cgroupHandle = null;
        ContainerDefinition? definition = null;
        var events = ContainerEvents.ForContainerDirectory(paths.Directory);
        int pid;
        Thread[] pumps;
        ContainerLog log;
        try
        {
            var state = ContainerStateJson.ReadFile(paths.StateFile, ContainerStateJson.Default.ContainerRuntimeState)
                ?? throw new InvalidOperationException($"'{paths.StateFile}' is missing.");
            cgroupHandle = state.Cgroup;
            definition = ContainerStateJson.ReadFile(paths.DefinitionFile, ContainerStateJson.Default.ContainerDefinition);
            var cgroup = cgroupHandle is null ? null : Cgroup.Open(cgroupHandle);

            log = new ContainerLog(paths.LogFile);
            // Taken before the launch so that every line of this run is logged at or after it (Attach relies on that).
            var startedAt = DateTimeOffset.UtcNow;
            pid = definition?.Tty == true
                ? StartOnTerminal(paths, initPath, cgroup, log, out pumps)
                : StartOnPipes(paths, initPath, cgroup, log, out pumps);

            var self = Environment.ProcessId;
            ContainerStateJson.WriteFile(paths.StartedFile, new MonitorStartedRecord
            {
                Pid = pid,
                MonitorPid = self,
                MonitorStartTime = ProcStat.StartTime(self) ?? 0,
                StartedAt = startedAt,
            }, ContainerStateJson.Default.MonitorStartedRecord);
            // Recorded here rather than by the engine so that "start" always precedes this run's "die".
            if (definition is not null) events.Append(ContainerEvent.For(definition, ContainerEventActions.Start));
        }
        catch (Exception ex)
        {
            ReadyPipe.Fail(ex.Message);
            return 1;
        }
        ReadyPipe.Succeed();
        // Starting touched most of this binary and of libc; the rest of the monitor's life needs a small part of that.
        WorkingSet.TrimCode();

        var status = ProcessWait.Wait(pid);
        string? error = null;
        var oomKilled = false;
        try
        {
            if (cgroupHandle is not null)
            {
                var cgroup = Cgroup.Open(cgroupHandle);
                oomKilled = cgroup.OomKillCount() > 0;
                // The kernel killed the rest of the pid namespace with its PID 1; this only catches what joined the cgroup from outside.
                if (cgroup.Pids().Count > 0) cgroup.KillAll();
            }
        }
        catch (Exception ex)
        {
            error = ex.Message;
        }
        foreach (var pump in pumps) pump.Join(TimeSpan.FromSeconds(5));
        log.Dispose();
        try
        {
            ContainerCleanup.Run(paths, cgroupHandle);
        }
        catch (Exception ex)
        {
            error ??= ex.Message;
        }
        // A forced remove may have deleted the container meanwhile; writing would recreate its directory.
        if (!File.Exists(paths.DefinitionFile)) return 0;
        // Before exit.json: whoever waits for the exit (Stop, Remove) records its own event after this one.
        // Re-read: the container may have been renamed while it ran.
        try { definition = ContainerStateJson.ReadFile(paths.DefinitionFile, ContainerStateJson.Default.ContainerDefinition) ?? definition; }
        catch (Exception) { }
        if (definition is not null)
        {
            if (oomKilled) events.Append(ContainerEvent.For(definition, ContainerEventActions.Oom));
            events.Append(ContainerEvent.For(definition, ContainerEventActions.Die,
                new Dictionary<string, string> { ["exitCode"] = status.ShellCode.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        }
        ContainerStateJson.WriteFile(paths.ExitFile, new MonitorExitRecord
        {
            ExitCode = status.ShellCode,
            Signal = status.Signal,
            OomKilled = oomKilled,
            FinishedAt = DateTimeOffset.UtcNow,
            Error = error,
        }, ContainerStateJson.Default.MonitorExitRecord);
        return 0;
    }

    private static LaunchRequest Request(ContainerPaths paths, string? initPath, Cgroup? cgroup, int stdin, int stdout, int stderr) => new()
    {
        BundlePath = paths.BundleDirectory,
        StdinFd = stdin,
        StdoutFd = stdout,
        StderrFd = stderr,
        CgroupJoinFiles = cgroup?.JoinFiles ?? [],
        InitPath = initPath,
    };

    // stdin is /dev/null until interactive sessions arrive; stdout and stderr are logged as separate streams.
    private static int StartOnPipes(ContainerPaths paths, string? initPath, Cgroup? cgroup, ContainerLog log, out Thread[] pumps)
    {
        var devNull = FileDescriptors.Open("/dev/null", 2 /* O_RDWR */);
        var (outRead, outWrite) = FileDescriptors.Pipe();
        var (errRead, errWrite) = FileDescriptors.Pipe();
        int pid;
        try
        {
            pid = ContainerLauncher.Start(Request(paths, initPath, cgroup, devNull, outWrite, errWrite)).Pid;
        }
        catch
        {
            FileDescriptors.Close(outRead);
            FileDescriptors.Close(errRead);
            throw;
        }
        finally
        {
            // Only the container holds the write ends now: end of file means it and its children are done with them.
            FileDescriptors.Close(outWrite);
            FileDescriptors.Close(errWrite);
            FileDescriptors.Close(devNull);
        }
        pumps = [log.Pump(outRead, "stdout"), log.Pump(errRead, "stderr")];
        return pid;
    }

    /// <summary>
    /// docker run -t: the container's stdio is one pty slave (ctinit makes it the controlling terminal); everything it
    /// writes comes out of the master as "stdout", with the terminal's "\r\n" line ends kept as docker's json-file does.
    /// Nothing is written to the master yet: stdin relay and attach are a later step.
    /// </summary>
    private static int StartOnTerminal(ContainerPaths paths, string? initPath, Cgroup? cgroup, ContainerLog log, out Thread[] pumps)
    {
        var terminal = PseudoTerminals.Open();
        int pid;
        try
        {
            pid = ContainerLauncher.Start(Request(paths, initPath, cgroup, terminal.Slave, terminal.Slave, terminal.Slave)).Pid;
        }
        catch
        {
            FileDescriptors.Close(terminal.Master);
            throw;
        }
        finally
        {
            // Once no slave is open the master reads EIO: that, not an error, is the end of the container's output.
            FileDescriptors.Close(terminal.Slave);
        }
        pumps = [log.Pump(terminal.Master, "stdout")];
        return pid;
    }
}
