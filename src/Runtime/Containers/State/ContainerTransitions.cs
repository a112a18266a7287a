using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers;

/// <summary>
/// A container's life, in one place:
/// <code>
///   Created --Start--> Running <--Pause / Resume--> Paused
///   Running, Paused --the program exits: ctmon cleans up and writes exit.json--> exited, not yet recorded
///   exited, not yet recorded --settled (ctcleanup, or the next write operation)--> Exited
///   Exited --Start--> Running;   Created, Exited --Remove--> removing (container.json gone) --> gone
/// </code>
/// Reads use <see cref="Observe"/> alone: the recorded state with an unrecorded exit merged in memory, never a file
/// written. Writes take a <see cref="ContainerHandle"/>, which settles an unrecorded exit once under the container's
/// lock; the verbs then check what they need with the Require methods and save the state they leave.
/// </summary>
internal static class ContainerTransitions
{
    /// <summary>
    /// The exit code reported when the monitor vanished without an exit record. The container's processes are then
    /// killed with SIGKILL by the repair, so 137 (128 + SIGKILL) is what a shell would have seen.
    /// </summary>
    public const int LostMonitorExitCode = 137;

    public static bool IsActive(ContainerStatus status) => status is ContainerStatus.Running or ContainerStatus.Paused;

    /// <summary>
    /// What state.json records, with what it does not record yet: the monitor's exit record (exit.json) or, when the
    /// monitor is gone without one, a lost monitor (Exited 137, its cgroup and mount still to be released). No side effects.
    /// </summary>
    public static Container Observe(Container recorded)
    {
        var state = recorded.State;
        if (!IsActive(state.Status)) return recorded;
        var exit = ReadExit(recorded.Paths);
        if (exit is null)
        {
            if (ProcStat.IsSameProcessAlive(state.MonitorPid, state.MonitorStartTime)) return WithHealth(WithRestarts(recorded));
            // The monitor may have written its record just before exiting: look again before calling it lost.
            exit = ReadExit(recorded.Paths);
        }
        if (exit is null)
        {
            return recorded with
            {
                PendingExit = PendingExit.LostMonitor,
                State = state with
                {
                    Status = ContainerStatus.Exited,
                    ExitCode = LostMonitorExitCode,
                    FinishedAt = DateTimeOffset.UtcNow,
                    Error = $"The monitor (pid {state.MonitorPid}) ended without recording the container's exit; its processes are killed at the next operation on it.",
                    Pid = 0,
                    // Kept: the repair still has to kill what is left in it and remove it.
                },
            };
        }
        return recorded with
        {
            PendingExit = PendingExit.Recorded,
            State = state with
            {
                Status = ContainerStatus.Exited,
                ExitCode = exit.ExitCode,
                OomKilled = exit.OomKilled,
                FinishedAt = exit.FinishedAt,
                Error = exit.Error,
                Pid = 0,
                Cgroup = null,
                RestartCount = state.RestartCount + Math.Max(0, exit.RestartCount - state.MonitorRestarts),
                MonitorRestarts = exit.RestartCount,
            },
        };
    }

    /// <summary>
    /// A running container whose restart policy restarted its program: the monitor's started.json has the current
    /// run (pid, start time) or says it waits to restart. Only read for containers with a policy.
    /// </summary>
    private static Container WithRestarts(Container recorded)
    {
        var state = recorded.State;
        if (!recorded.Definition.MonitorMayRestart) return recorded;
        var run = ContainerStateJson.ReadFile(recorded.Paths.StartedFile, ContainerStateJson.Default.MonitorStartedRecord);
        if (run is null || run.MonitorPid != state.MonitorPid || (run.RestartCount == 0 && !run.Restarting)) return recorded;
        return recorded with
        {
            Restarting = run.Restarting,
            State = state with
            {
                Pid = run.Restarting ? 0 : run.Pid,
                StartedAt = run.StartedAt,
                ExitCode = run.Restarting ? run.LastExitCode : state.ExitCode,
                RestartCount = state.RestartCount + Math.Max(0, run.RestartCount - state.MonitorRestarts),
                MonitorRestarts = run.RestartCount,
            },
        };
    }

    /// <summary>The state a started run records, from the monitor's started.json.</summary>
    public static ContainerRuntimeState Started(ContainerRuntimeState state, MonitorStartedRecord started, IReadOnlyList<Network.PortMapping> ports) => state with
    {
        Status = ContainerStatus.Running,
        Pid = started.Pid,
        MonitorPid = started.MonitorPid,
        MonitorStartTime = started.MonitorStartTime,
        StartedAt = started.StartedAt,
        FinishedAt = null,
        ExitCode = null,
        OomKilled = false,
        Error = null,
        Ports = ports,
        RestartCount = state.StartedAt is null ? 0 : state.RestartCount + 1,
        MonitorRestarts = 0,
        StoppedByUser = false,
    };

    /// <summary>A running container with a health check: ctmon's health.json of this run, else "starting".</summary>
    private static Container WithHealth(Container observed)
    {
        if (observed.Definition.Health is null) return observed;
        var health = ContainerStateJson.ReadFile(observed.Paths.HealthFile, ContainerStateJson.Default.MonitorHealthRecord);
        return observed with
        {
            Health = health is not null && health.MonitorPid == observed.State.MonitorPid ? health : new MonitorHealthRecord { Status = HealthStatus.Starting },
        };
    }

    public static void RequireActive(Container container)
    {
        if (!IsActive(container.Status))
            throw new ContainerToolsException(ErrorIds.ContainerNotRunning, $"The container '{container.Name}' is not running.", container.Name);
    }

    public static void RequireRunning(Container container)
    {
        if (container.Status == ContainerStatus.Paused)
            throw new ContainerToolsException(ErrorIds.ContainerPaused, $"The container '{container.Name}' is paused; resume it first.", container.Name);
        RequireActive(container);
    }

    public static void RequirePaused(Container container)
    {
        if (container.Status != ContainerStatus.Paused)
            throw new ContainerToolsException(ErrorIds.ContainerNotPaused, $"The container '{container.Name}' is not paused.", container.Name);
    }

    /// <summary>Remove without force: a running or paused container is refused.</summary>
    public static void RequireStopped(Container container, string? why = null)
    {
        if (IsActive(container.Status))
            throw new ContainerToolsException(ErrorIds.ContainerRunning,
                why ?? $"The container '{container.Name}' is {container.Status.ToString().ToLowerInvariant()}: stop it first, or use force.", container.Name);
    }

    private static MonitorExitRecord? ReadExit(ContainerPaths paths) =>
        ContainerStateJson.ReadFile(paths.ExitFile, ContainerStateJson.Default.MonitorExitRecord);
}

/// <summary>An exit that happened but that state.json does not record yet (see <see cref="ContainerTransitions.Observe"/>).</summary>
public enum PendingExit
{
    None,
    /// <summary>ctmon wrote exit.json: it has released the cgroup and the root mount; the network and the record remain.</summary>
    Recorded,
    /// <summary>The monitor is gone without exit.json: the cgroup, the mount and the network remain.</summary>
    LostMonitor,
}
