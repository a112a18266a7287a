using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Monitor;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers.Monitor;

/// <summary>
/// Spawns ctmon for one container ahead of the engine's own work for the start, so that the monitor's start (setsid,
/// exec, its runtime's start) runs while the engine mounts the root, creates the cgroup and connects the network.
/// ctmon gets the write end of a readiness pipe as fd 3 and the read end of a go pipe as fd
/// <see cref="MonitorInvocation.GoFdNumber"/>; it reads nothing of the container until the go arrives
/// (<see cref="SpawnedMonitor.Go"/>).
/// </summary>
internal static class MonitorLauncher
{
    /// <summary>
    /// util-linux's setsid: `setsid --fork ctmon --monitor ...` forks, exits, and its child makes a new session and
    /// execs the monitor, which so is nobody's child but init's. A C program's fork costs a fraction of what ctmon's own
    /// first stage does (a second NativeAOT start whose only job is to spawn the monitor and exit); without setsid
    /// ctmon does it itself.
    /// </summary>
    private static readonly Lazy<string?> Setsid = new(() =>
        new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists));

    /// <param name="invocation">Its <see cref="MonitorInvocation.AttachFd"/> is passed now; the caller still owns (and closes) it.</param>
    public static SpawnedMonitor Spawn(ContainerPaths paths, MonitorInvocation invocation)
    {
        int readyRead = -1, readyWrite = -1, goRead = -1, goWrite = -1, devNull = -1;
        try
        {
            (readyRead, readyWrite) = FileDescriptors.Pipe();
            (goRead, goWrite) = FileDescriptors.Pipe();
            devNull = FileDescriptors.Open("/dev/null", 2 /* O_RDWR */);
            // A new session: no terminal's hangup or job-control signals reach the monitor.
            var fds = new Dictionary<int, int> { [0] = devNull, [1] = devNull, [2] = devNull, [3] = readyWrite, [MonitorInvocation.GoFdNumber] = goRead };
            if (invocation.AttachFd >= 0) fds[MonitorInvocation.AttachFdNumber] = invocation.AttachFd;
            var argv = invocation.Arguments(paths.Directory);
            var (path, stageArgv) = Setsid.Value is { } setsid
                ? (setsid, [setsid, "--fork", argv[0], MonitorInvocation.MonitorOption, .. argv.Skip(1)])
                : (invocation.MonitorPath, argv);
            // setsid makes the new session itself; ctmon's own first stage is given one.
            var stagePid = ProcessSpawn.Spawn(path, stageArgv, [], new SpawnOptions
            {
                FileDescriptors = fds,
                ResetSignals = true,
                NewSession = Setsid.Value is null,
            });
            var spawned = new SpawnedMonitor(paths, stagePid, readyRead, goWrite);
            readyRead = goWrite = -1;
            return spawned;
        }
        catch (SystemCallException ex)
        {
            throw new ContainerToolsException(ErrorIds.MonitorStartFailed, $"Could not start the container monitor: {ex.Message}", paths.Directory, ex);
        }
        finally
        {
            // Only the monitor keeps these: the engine sees end of file on the readiness pipe once the monitor is gone.
            FileDescriptors.Close(devNull);
            FileDescriptors.Close(readyWrite);
            FileDescriptors.Close(goRead);
            FileDescriptors.Close(readyRead);
            FileDescriptors.Close(goWrite);
        }
    }
}
