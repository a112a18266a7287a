using ContainerTools.Runtime.Containers.Events;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.Runtime.Linux;

namespace ContainerTools.Runtime.Containers;

/// <summary>
/// Brings a running container's recorded state up to date: merges the monitor's exit record, or notices that the
/// monitor died without one (killed with SIGKILL, OOM-killed itself) and cleans up after it.
/// </summary>
internal static class ContainerStateRefresh
{
    /// <summary>
    /// The exit code reported when the monitor vanished without an exit record. The container's processes are then
    /// killed with SIGKILL by the cleanup, so 137 (128 + SIGKILL) is what a shell would have seen.
    /// </summary>
    public const int LostMonitorExitCode = 137;

    /// <summary>Call with the container's lock held.</summary>
    public static Container Refresh(Container container)
    {
        var state = container.State;
        if (state.Status is not (ContainerStatus.Running or ContainerStatus.Paused)) return container;

        var exit = ReadExit(container.Paths);
        if (exit is null)
        {
            if (ProcStat.IsSameProcessAlive(state.MonitorPid, state.MonitorStartTime)) return container;
            // The monitor may have written its record just before exiting: look again before calling it lost.
            exit = ReadExit(container.Paths);
        }

        ContainerCleanup.Run(container.Paths, state.Cgroup);
        var finished = exit is null
            ? state with
            {
                Status = ContainerStatus.Exited,
                ExitCode = LostMonitorExitCode,
                FinishedAt = DateTimeOffset.UtcNow,
                Error = $"The monitor (pid {state.MonitorPid}) ended without recording the container's exit; its processes were killed.",
                Pid = 0,
                Cgroup = null,
            }
            : state with
            {
                Status = ContainerStatus.Exited,
                ExitCode = exit.ExitCode,
                OomKilled = exit.OomKilled,
                FinishedAt = exit.FinishedAt,
                Error = exit.Error,
                Pid = 0,
                Cgroup = null,
            };
        if (exit is null)
        {
            // The monitor records "die" itself; a lost one cannot, so the engine that noticed does.
            ContainerEvents.ForContainerDirectory(container.Paths.Directory).Append(ContainerEvent.For(container, ContainerEventActions.Die,
                new Dictionary<string, string> { ["exitCode"] = LostMonitorExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        }
        return ContainerStore.SaveState(container, finished);
    }

    private static MonitorExitRecord? ReadExit(ContainerPaths paths) =>
        ContainerStateJson.ReadFile(paths.ExitFile, ContainerStateJson.Default.MonitorExitRecord);
}
