using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Events;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers;

public sealed partial class ContainerStore
{
    public static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AfterKill = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Sends the stop signal (the given one, else the container's: the image's StopSignal or SIGTERM), waits up to
    /// <paramref name="timeout"/> for the container to exit, then kills everything in its cgroup. Returns the exited container.
    /// </summary>
    public Container Stop(string idOrName, TimeSpan? timeout = null, string? signal = null)
    {
        var id = Resolve(idOrName).Id;
        using var handle = Open(id);
        var container = handle.Container;
        if (!ContainerTransitions.IsActive(container.Status)) return container;
        var number = SignalNames.Parse(signal ?? container.Definition.StopSignal);
        container = StopRestarts(handle);
        if (container.State.Pid > 0) ProcessSignals.TrySend(container.State.Pid, number);
        // A frozen process cannot act on the signal: let it run so it can stop cleanly.
        if (container.Status == ContainerStatus.Paused) ThawQuietly(container);
        var exited = handle.WaitForExit(timeout ?? StopTimeoutOf(container));
        if (exited is null)
        {
            KillCgroup(container);
            exited = handle.WaitForExit(AfterKill)
                ?? throw new ContainerToolsException(ErrorIds.ContainerStopFailed,
                    $"The container '{container.Name}' did not exit after SIGKILL.", container.Name);
        }
        Events.Append(ContainerEventFactory.For(exited, ContainerEventActions.Stop));
        return exited;
    }

    /// <summary>Sends a signal (default SIGKILL) to the container's main process.</summary>
    public Container Kill(string idOrName, string? signal = null)
    {
        var id = Resolve(idOrName).Id;
        var number = SignalNames.Parse(signal ?? "SIGKILL");
        using var handle = Open(id);
        var container = handle.Container;
        ContainerTransitions.RequireActive(container);
        // As Docker: a kill that ends the program is a user's stop, which no restart policy undoes; a reload signal is not.
        if (number is ProcessSignals.SIGKILL or ProcessSignals.SIGTERM or ProcessSignals.SIGINT
            || number == SignalNames.Parse(container.Definition.StopSignal))
        {
            container = StopRestarts(handle);
        }
        if (number != ProcessSignals.SIGKILL)
        {
            if (container.State.Pid > 0) ProcessSignals.TrySend(container.State.Pid, number);
            return container;
        }
        KillCgroup(container);
        return handle.WaitForExit(AfterKill) ?? container;
    }

    public Container Restart(string idOrName, TimeSpan? timeout = null)
    {
        var container = Stop(idOrName, timeout);
        return Start(container.Id);
    }

    private static TimeSpan StopTimeoutOf(Container container) =>
        container.Definition.StopTimeout is { } seconds ? TimeSpan.FromSeconds(seconds) : DefaultStopTimeout;

    /// <summary>
    /// A user's stop: recorded in state.json (the monitor reads it at the exit, Restore-Container after a reboot), and
    /// told to a monitor with a restart policy (SIGTERM), so that it restarts nothing and ends a back-off wait now.
    /// </summary>
    private static Container StopRestarts(ContainerHandle handle)
    {
        var container = handle.Container;
        // Only a monitor that can restart, and Restore, read it: other containers are spared the write.
        if (!container.Definition.MonitorMayRestart) return container;
        if (!container.State.StoppedByUser) container = handle.Save(container.State with { StoppedByUser = true });
        SignalRestartingMonitor(container);
        return container;
    }

    private static void SignalRestartingMonitor(Container container)
    {
        var state = container.State;
        if (container.Definition.MonitorMayRestart && ProcStat.IsSameProcessAlive(state.MonitorPid, state.MonitorStartTime))
        {
            ProcessSignals.TrySend(state.MonitorPid, ProcessSignals.SIGTERM);
        }
    }

    private static void KillCgroup(Container container)
    {
        if (container.State.Cgroup is { } handle)
        {
            var cgroup = Cgroup.Open(handle);
            if (cgroup.Exists)
            {
                cgroup.KillAll();
                return;
            }
        }
        if (container.State.Pid > 0) ProcessSignals.TrySend(container.State.Pid, ProcessSignals.SIGKILL);
    }

    private static void ThawQuietly(Container container)
    {
        if (container.State.Cgroup is not { } handle) return;
        try { Cgroup.Open(handle).Thaw(); } catch (ContainerToolsException) { }
    }

    /// <summary>
    /// Waits for the container to exit and returns its exit code; null when <paramref name="timeout"/> passes first.
    /// A created container is waited for as Docker does: until it has been started and has exited. A read: it takes
    /// no lock and leaves the exit's clean-up (and an AutoRemove container's removal) to ctcleanup or the next write.
    /// Other conditions (<see cref="WaitCondition"/>): the next exit from now on (a restart policy's too), the
    /// container's removal (its last exit code), or its health check passing (0).
    /// </summary>
    public int? Wait(string idOrName, TimeSpan? timeout = null, CancellationToken cancellationToken = default, WaitCondition condition = WaitCondition.NotRunning)
    {
        var first = Resolve(idOrName);
        var id = first.Id;
        if (condition == WaitCondition.Healthy && first.Definition.Health is null)
            throw new ContainerToolsException(ErrorIds.NoHealthCheck, $"The container '{first.Name}' has no health check.", first.Name);
        var deadline = timeout is null ? DateTime.MaxValue : DateTime.UtcNow + timeout.Value;
        var delay = 2;
        var lastExitCode = first.State.ExitCode;
        // Told when exit.json, state.json or health.json is renamed into place or the container is removed, instead of
        // finding out at the next poll (up to 20 ms late); the polls stay for what announces itself with no file (a
        // monitor that died) and for cancellation.
        using var watch = DirectoryWatch.TryOpen(first.Paths.Directory);
        while (true)
        {
            var container = TryGet(id);
            if (container is null)
            {
                if (condition == WaitCondition.Removed) return lastExitCode;
                throw new ContainerToolsException(ErrorIds.ContainerNotFound, $"The container '{idOrName}' was removed.", idOrName);
            }
            lastExitCode = container.State.ExitCode;
            switch (condition)
            {
                case WaitCondition.NotRunning when container.Status == ContainerStatus.Exited:
                    return container.State.ExitCode;
                case WaitCondition.NextExit when (container.Status == ContainerStatus.Exited && container.State.FinishedAt != first.State.FinishedAt)
                                                 || container.State.RestartCount > first.State.RestartCount:
                    return container.State.ExitCode;
                case WaitCondition.Healthy when container.Health?.Status == HealthStatus.Healthy:
                    return 0;
                case WaitCondition.Healthy when container.Status == ContainerStatus.Exited:
                    throw new ContainerToolsException(ErrorIds.ContainerNotRunning, $"The container '{container.Name}' exited before it was healthy.", container.Name);
            }
            if (DateTime.UtcNow >= deadline) return null;
            if (watch is null) cancellationToken.WaitHandle.WaitOne(delay);
            else watch.WaitForChange(delay);
            delay = Math.Min(delay * 2, condition == WaitCondition.NotRunning ? 20 : 100);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
