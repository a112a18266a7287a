using System.Text;
using ContainerTools.Runtime.Containers.Launch;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.Runtime.Errors;
using ContainerTools.Runtime.Linux;

namespace ContainerTools.Runtime.Containers.Monitor;

/// <summary>
/// Starts ctmon for one container and waits until it reports the container running: ctmon gets the write end of a
/// pipe as fd 3 and closes it once started.json is written, or writes why it failed first. End of file is also what
/// the engine sees if ctmon dies, so a crash cannot hang a start.
/// </summary>
internal static class MonitorLauncher
{
    public static MonitorStartedRecord Start(ContainerPaths paths, string? monitorPath, string? initPath)
    {
        var monitor = HelperBinary.Monitor.Locate(monitorPath);
        var init = HelperBinary.Init.Locate(initPath);
        var (readyRead, readyWrite) = FileDescriptors.Pipe();
        byte[] report;
        try
        {
            int stagePid;
            var devNull = FileDescriptors.Open("/dev/null", 2 /* O_RDWR */);
            try
            {
                // A new session: no terminal's hangup or job-control signals reach the monitor.
                stagePid = ProcessSpawn.Spawn(monitor, [monitor, paths.Directory, "--init", init], [], new SpawnOptions
                {
                    FileDescriptors = new Dictionary<int, int> { [0] = devNull, [1] = devNull, [2] = devNull, [3] = readyWrite },
                    ResetSignals = true,
                    NewSession = true,
                });
            }
            finally
            {
                FileDescriptors.Close(devNull);
                FileDescriptors.Close(readyWrite);
            }
            // The first stage only respawns the monitor and exits; reaping it here leaves no zombie behind.
            var stage = ProcessWait.Wait(stagePid);
            report = FileDescriptors.ReadToEnd(readyRead);
            if (report.Length == 0 && stage.ShellCode != 0)
            {
                report = Encoding.UTF8.GetBytes($"ctmon exited with status {stage.ShellCode}.");
            }
        }
        catch (SystemCallException ex)
        {
            throw new ContainerToolsException(ErrorKind.InvalidOperation, "MonitorStartFailed", $"Could not start the container monitor: {ex.Message}", paths.Directory, ex);
        }
        finally
        {
            FileDescriptors.Close(readyRead);
        }
        if (report.Length > 0)
        {
            throw new ContainerToolsException(ErrorKind.InvalidOperation, "ContainerStartFailed",
                $"The container could not start: {Encoding.UTF8.GetString(report)}", paths.Directory);
        }
        return ContainerStateJson.ReadFile(paths.StartedFile, ContainerStateJson.Default.MonitorStartedRecord)
            ?? throw new ContainerToolsException(ErrorKind.InvalidOperation, "ContainerStartFailed",
                "The container monitor ended without starting the container (no started.json).", paths.Directory);
    }
}
