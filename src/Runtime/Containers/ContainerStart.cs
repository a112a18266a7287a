using ContainerTools.Runtime.Cgroups;
using ContainerTools.Runtime.Containers.Bundle;
using ContainerTools.Runtime.Containers.Monitor;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.Runtime.Errors;
using ContainerTools.Runtime.Linux;

namespace ContainerTools.Runtime.Containers;

public sealed partial class ContainerStore
{
    /// <summary>
    /// Starts a created or exited container: mounts its overlay root, creates its cgroup with its limits, and starts
    /// its monitor, returning once the container's program runs. Starting a running container changes nothing.
    /// </summary>
    public Container Start(string idOrName)
    {
        var id = Resolve(idOrName).Id;
        return WithLock(id, container =>
        {
            if (container.Status is ContainerStatus.Running or ContainerStatus.Paused) return container;
            var paths = container.Paths;
            File.Delete(paths.StartedFile);
            File.Delete(paths.ExitFile);
            Cgroup? cgroup = null;
            try
            {
                MountRootFs(paths);
                cgroup = Cgroup.Create(container.Id, Options.CgroupHost, Options.CgroupParent);
                if (!container.Definition.Limits.IsEmpty) cgroup.SetLimits(container.Definition.Limits);
                // The bundle's rules, in force before ctinit joins. A bundle written before there were any gets Docker's.
                cgroup.ApplyDeviceRules(BundleReader.ReadDeviceRules(paths.BundleDirectory) ?? RuntimeSpecDefaults.DeviceRules);
                // Recorded before the monitor exists, so a crash from here on still leaves a cgroup someone can clean up.
                container = SaveState(container, container.State with { Cgroup = cgroup.Handle, Error = null });
                var network = ConnectNetwork(container);
                MonitorStartedRecord started;
                try
                {
                    started = MonitorLauncher.Start(paths, Options.MonitorPath, Options.InitPath);
                }
                catch
                {
                    // The catch below detaches the network, which needs the store's lock this attachment still holds.
                    try { network.Complete(); } catch (Exception) { }
                    throw;
                }
                try
                {
                    network.Complete();
                }
                catch
                {
                    // The program runs but its ports could not be published: it must not outlive this failed start.
                    StopFailedStart(paths, cgroup.Handle);
                    throw;
                }
                var ports = network.Ports;
                return SaveState(container, container.State with
                {
                    Status = ContainerStatus.Running,
                    Pid = started.Pid,
                    MonitorPid = started.MonitorPid,
                    MonitorStartTime = started.MonitorStartTime,
                    StartedAt = started.StartedAt,
                    FinishedAt = null,
                    ExitCode = null,
                    OomKilled = false,
                    Ports = ports,
                    RestartCount = container.State.StartedAt is null ? 0 : container.State.RestartCount + 1,
                });
            }
            catch (Exception ex)
            {
                try { ContainerCleanup.Run(paths, cgroup?.Handle); } catch (Exception) { }
                try { DisconnectNetwork(container); } catch (Exception) { }
                SaveState(container, container.State with { Cgroup = null, Error = ex.Message });
                if (ex is ContainerToolsException) throw;
                throw new ContainerToolsException(ErrorKind.InvalidOperation, "ContainerStartFailed", $"The container could not start: {ex.Message}", container.Name, ex);
            }
        });
    }

    /// <summary>Kills a container whose start failed after its monitor started it, and waits for the monitor to finish.</summary>
    private static void StopFailedStart(ContainerPaths paths, CgroupHandle cgroup)
    {
        try
        {
            ContainerCleanup.Run(paths, cgroup);
            for (var i = 0; i < 500 && !File.Exists(paths.ExitFile); i++) Thread.Sleep(20);
        }
        catch (Exception)
        {
            // The caller's cleanup runs again and reports the start's own failure.
        }
    }

    private static void MountRootFs(ContainerPaths paths)
    {
        if (OverlayMount.IsMountPoint(paths.MergedDirectory)) return;
        var lowest = File.ReadAllLines(paths.LayersFile).Where(l => l.Length > 0).ToList();
        lowest.Reverse();
        // A crash mid-copy-up can leave overlay's scratch state behind; it must start empty.
        if (Directory.Exists(paths.WorkDirectory)) Directory.Delete(paths.WorkDirectory, recursive: true);
        Directory.CreateDirectory(paths.WorkDirectory);
        Directory.CreateDirectory(paths.UpperDirectory);
        Directory.CreateDirectory(paths.MergedDirectory);
        try
        {
            OverlayMount.Mount(lowest, paths.UpperDirectory, paths.WorkDirectory, paths.MergedDirectory);
        }
        catch (SystemCallException ex)
        {
            throw new ContainerToolsException(ErrorKind.InvalidOperation, "RootFsMountFailed", $"Could not mount the container's root filesystem: {ex.Message}", paths.MergedDirectory, ex);
        }
    }
}
