using System.Text;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Monitor;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers.Monitor;

/// <summary>
/// Starts ctmon for one container and waits until it reports the container running: ctmon gets the write end of a
/// pipe as fd 3 and closes it once started.json is written, or writes why it failed first. End of file is also what
/// the engine sees if ctmon dies, so a crash cannot hang a start.
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

    public static MonitorStartedRecord Start(ContainerPaths paths, MonitorInvocation invocation)
    {
        var (readyRead, readyWrite) = FileDescriptors.Pipe();
        byte[] report;
        try
        {
            int stagePid;
            var devNull = FileDescriptors.Open("/dev/null", 2 /* O_RDWR */);
            try
            {
                // A new session: no terminal's hangup or job-control signals reach the monitor.
                var fds = new Dictionary<int, int> { [0] = devNull, [1] = devNull, [2] = devNull, [3] = readyWrite };
                if (invocation.AttachFd >= 0) fds[MonitorInvocation.AttachFdNumber] = invocation.AttachFd;
                var argv = invocation.Arguments(paths.Directory);
                stagePid = Setsid.Value is { } setsid
                    ? ProcessSpawn.Spawn(setsid, [setsid, "--fork", argv[0], MonitorInvocation.MonitorOption, .. argv.Skip(1)], [], new SpawnOptions
                    {
                        FileDescriptors = fds,
                        ResetSignals = true,
                    })
                    : ProcessSpawn.Spawn(invocation.MonitorPath, argv, [], new SpawnOptions
                    {
                        FileDescriptors = fds,
                        ResetSignals = true,
                        NewSession = true,
                    });
            }
            finally
            {
                FileDescriptors.Close(devNull);
                FileDescriptors.Close(readyWrite);
            }
            // The first stage (setsid, or ctmon's own) only starts the monitor and exits; reaping it here leaves no zombie behind.
            var stage = ProcessWait.Wait(stagePid);
            report = FileDescriptors.ReadToEnd(readyRead);
            if (report.Length == 0 && stage.ShellCode != 0)
            {
                report = MonitorStartReport.Encode(new InvalidOperationException($"ctmon exited with status {stage.ShellCode}."));
            }
        }
        catch (SystemCallException ex)
        {
            throw new ContainerToolsException(ErrorIds.MonitorStartFailed, $"Could not start the container monitor: {ex.Message}", paths.Directory, ex);
        }
        finally
        {
            FileDescriptors.Close(readyRead);
        }
        if (report.Length > 0)
        {
            throw MonitorStartReport.Decode(report, paths.Directory);
        }
        return ContainerStateJson.ReadFile(paths.StartedFile, ContainerStateJson.Default.MonitorStartedRecord)
            ?? throw new ContainerToolsException(ErrorIds.ContainerStartFailed, "The container monitor ended without starting the container (no started.json).", paths.Directory);
    }
}
