using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Monitor;
using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Containers.State;

namespace ContainerTools.Runtime.Containers.Monitor;

/// <summary>
/// A ctmon that <see cref="MonitorLauncher.Spawn"/> started and that waits for the engine's go. <see cref="Go"/> once
/// the container is ready to be started (state.json saved with the cgroup, the network namespace made): the monitor
/// starts the container and the call returns once its program runs, as started.json records. Disposed without the go
/// (the engine's work failed), the monitor reads end of file and exits having written nothing; Dispose waits for that,
/// so no monitor outlives a failed start.
/// </summary>
internal sealed class SpawnedMonitor : IDisposable
{
    private static readonly byte[] GoByte = [1];
    private readonly ContainerPaths paths;
    private int stagePid;
    private int readyRead;
    private int goWrite;

    internal SpawnedMonitor(ContainerPaths paths, int stagePid, int readyRead, int goWrite)
    {
        this.paths = paths;
        this.stagePid = stagePid;
        this.readyRead = readyRead;
        this.goWrite = goWrite;
    }

    /// <summary>
    /// Lets the monitor start the container, and waits until it reports the container running: it closes the readiness
    /// pipe once started.json is written, or writes why it failed first. End of file is also what the engine sees if
    /// the monitor dies, so a crash cannot hang a start.
    /// </summary>
    public MonitorStartedRecord Go()
    {
        if (goWrite < 0) throw new InvalidOperationException("The monitor was already told to go, or was stopped.");
        byte[] report;
        try
        {
            // EPIPE: the monitor is gone already; the readiness pipe and the stage's status say why.
            try { FileDescriptors.WriteAll(goWrite, GoByte); } catch (SystemCallException) { }
            CloseGo();
            var stage = ReapStage();
            report = FileDescriptors.ReadToEnd(readyRead);
            if (report.Length == 0 && stage is { ShellCode: not 0 } failed)
            {
                report = MonitorStartReport.Encode(new InvalidOperationException($"ctmon exited with status {failed.ShellCode}."));
            }
        }
        catch (SystemCallException ex)
        {
            throw new ContainerToolsException(ErrorIds.MonitorStartFailed, $"Could not start the container monitor: {ex.Message}", paths.Directory, ex);
        }
        finally
        {
            CloseReady();
        }
        if (report.Length > 0)
        {
            throw MonitorStartReport.Decode(report, paths.Directory);
        }
        return ContainerStateJson.ReadFile(paths.StartedFile, ContainerStateJson.Default.MonitorStartedRecord)
            ?? throw new ContainerToolsException(ErrorIds.ContainerStartFailed, "The container monitor ended without starting the container (no started.json).", paths.Directory);
    }

    /// <summary>Without the go: the monitor exits at the end of file, and this waits until it has (its readiness pipe closes).</summary>
    public void Dispose()
    {
        if (readyRead < 0) return;
        try
        {
            CloseGo();
            ReapStage();
            FileDescriptors.ReadToEnd(readyRead);
        }
        catch (SystemCallException)
        {
            // Nothing left to wait for.
        }
        finally
        {
            CloseReady();
        }
    }

    /// <summary>The first stage (setsid, or ctmon's own) only starts the monitor and exits; reaping it leaves no zombie behind.</summary>
    private ExitStatus? ReapStage()
    {
        if (stagePid <= 0) return null;
        var pid = stagePid;
        stagePid = 0;
        return ProcessWait.Wait(pid);
    }

    private void CloseGo()
    {
        FileDescriptors.Close(goWrite);
        goWrite = -1;
    }

    private void CloseReady()
    {
        FileDescriptors.Close(readyRead);
        readyRead = -1;
    }
}
