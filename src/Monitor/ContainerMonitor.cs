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

            // The container's stdin is /dev/null until interactive sessions (a pty) arrive.
            var devNull = FileDescriptors.Open("/dev/null", 2 /* O_RDWR */);
            var (outRead, outWrite) = FileDescriptors.Pipe();
            var (errRead, errWrite) = FileDescriptors.Pipe();
            log = new ContainerLog(paths.LogFile);
            // Taken before the launch so that every line of this run is logged at or after it (Attach relies on that).
            var startedAt = DateTimeOffset.UtcNow;
            try
            {
                pid = ContainerLauncher.Start(new LaunchRequest
                {
                    BundlePath = paths.BundleDirectory,
                    StdinFd = devNull,
                    StdoutFd = outWrite,
                    StderrFd = errWrite,
                    CgroupProcsFiles = cgroup?.ProcsFiles ?? [],
                    InitPath = initPath,
                }).Pid;
            }
            finally
            {
                // Only the container holds the write ends now: end of file means it and its children are done with them.
                FileDescriptors.Close(outWrite);
                FileDescriptors.Close(errWrite);
                FileDescriptors.Close(devNull);
            }
            pumps = [log.Pump(outRead, "stdout"), log.Pump(errRead, "stderr")];

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
}
