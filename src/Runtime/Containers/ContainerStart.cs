using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.Runtime.Containers.Attach;
using ContainerTools.Runtime.Containers.Bundle;
using ContainerTools.Runtime.Containers.Monitor;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Monitor;
using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Containers.Services;
using ContainerTools.Runtime.Security.UserNamespaces;

namespace ContainerTools.Runtime.Containers;

public sealed partial class ContainerStore
{
    /// <summary>
    /// Starts a created or exited container: mounts its overlay root, creates its cgroup with its limits, and starts
    /// its monitor, returning once the container's program runs. Starting a running container changes nothing.
    /// </summary>
    public Container Start(string idOrName) => StartRun(idOrName, attach: false).Container;

    /// <summary>
    /// Starts the container attached (docker run without -d, docker start -a): the connection to its monitor exists
    /// before its program runs, so none of its output is missed, and the exit code arrives on it. The caller reads
    /// it and then calls <see cref="FinishAttached"/>, which settles the exit (and removes an AutoRemove container)
    /// in this process instead of ctcleanup. A container that already runs is attached through its socket instead.
    /// </summary>
    public AttachedRun StartAttached(string idOrName) => StartAttached(idOrName, monitor: null);

    private AttachedRun StartAttached(string idOrName, StartingMonitor? monitor)
    {
        var (container, attachment) = StartRun(idOrName, attach: true, monitor);
        if (attachment is null)
        {
            attachment = TryConnectAttachment(container);
            attachment?.ClaimExit();
        }
        return new AttachedRun(container, attachment);
    }

    /// <summary>
    /// After an attached run's output ended: its exit code (from the connection, else from its exit record), with the
    /// exit settled and an AutoRemove container removed, here and once. Null when cancelled first. Disposes the run.
    /// </summary>
    public int? FinishAttached(AttachedRun run, CancellationToken cancellationToken = default)
    {
        using (run)
        {
            var code = run.Attachment?.ExitCode ?? Wait(run.Container.Id, cancellationToken: cancellationToken);
            if (code is null) return null;
            // Until the connection closes, the monitor leaves the exit to this process (it runs ctcleanup otherwise).
            CleanupAfterExit(run.Container.Id);
            return code;
        }
    }

    /// <param name="monitor">Spawned for this start already (<see cref="RunAttached"/>, which disposes it if this throws); null: spawned here.</param>
    private (Container Container, ContainerAttachment? Attachment) StartRun(string idOrName, bool attach, StartingMonitor? monitor = null)
    {
        var id = Resolve(idOrName).Id;
        using var handle = Open(id);
        var container = handle.Container;
        if (ContainerTransitions.IsActive(container.Status))
        {
            monitor?.Dispose();
            return (container, null);
        }
        var paths = container.Paths;
        WholeFiles.TryDelete(paths.StartedFile);
        WholeFiles.TryDelete(paths.ExitFile);
        Cgroup? cgroup = null;
        try
        {
            // First: the monitor's start (setsid, exec, its runtime's) overlaps the work below, and it waits for the go.
            monitor ??= SpawnMonitor(container, attach);
            if (container.Definition.UserNamespace is { } maps)
            {
                UserNamespaceAccess.Allow(Root.Path, paths.Directory, container.Definition.Mounts);
                UserNamespaceAccess.AdoptNewVolumes(container.Definition.Mounts, maps.HostRoot);
            }
            MountRootFs(paths, container.Definition);
            cgroup = Cgroup.Create(container.Id, Options.CgroupHost, Options.CgroupParent);
            if (!container.Definition.Limits.IsEmpty) cgroup.SetLimits(container.Definition.Limits);
            // The bundle's rules, in force before ctinit joins. A bundle written before there were any gets Docker's.
            cgroup.ApplyDeviceRules(DeviceRulesOf(container.Id, paths));
            // Recorded before the monitor exists, so a crash from here on still leaves a cgroup someone can clean up.
            container = handle.Save(container.State with { Cgroup = cgroup.Handle, Error = null });
            if (container.Definition.Health is { } health) HealthProbeTemplate.Write(paths, health);
            var network = ConnectNetwork(container);
            MonitorStartedRecord started;
            try
            {
                started = monitor.Monitor.Go();
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
            return (handle.Save(ContainerTransitions.Started(container.State, started, network.Ports)), monitor.Attachment);
        }
        catch (Exception ex)
        {
            // Without the go the monitor exits having written nothing; this waits for it, before the cleanup.
            monitor?.Dispose();
            try { ContainerCleanup.Run(paths, cgroup?.Handle); } catch (Exception) { }
            try { DisconnectNetwork(container); } catch (Exception) { }
            var failure = ex as ContainerToolsException
                ?? new ContainerToolsException(ErrorIds.ContainerStartFailed, $"The container could not start: {ex.Message}", container.Name, ex, reason: ex.Message);
            handle.Save(container.State with { Cgroup = null, Error = failure.Reason });
            if (ReferenceEquals(failure, ex)) throw;
            throw failure;
        }
    }

    /// <summary>
    /// How the monitor is run: the helpers, and the exit command it runs once the container has exited, if the exit
    /// leaves something behind that only the engine can release (a network, also one joined later with Connect) or
    /// an AutoRemove container to remove: the monitor decides that at the exit.
    /// </summary>
    private MonitorInvocation MonitorInvocation(Container container) => new()
    {
        MonitorPath = HelperBinary.Monitor.Locate(Options.MonitorPath),
        InitPath = HelperBinary.Init.Locate(Options.InitPath),
        ExitCommand = CleanupCommand.For(Root, container.Id, Options),
        Service = new MonitorServiceOptions
        {
            RestartPolicy = container.Definition.RestartPolicy,
            LogMaxSize = container.Definition.LogMaxSize,
            LogMaxFiles = container.Definition.LogMaxFiles,
            Health = container.Definition.Health,
        } is { IsEmpty: false } service ? service : null,
    };

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

    private void MountRootFs(ContainerPaths paths, ContainerDefinition definition)
    {
        if (OverlayMount.IsMountPoint(paths.MergedDirectory)) return;
        var lowest = LayersOf(definition.Id, paths).Reverse().ToList();
        // A crash mid-copy-up can leave overlay's scratch state behind; it must start empty.
        Directories.MakeEmpty(paths.WorkDirectory);
        Directories.Make(paths.UpperDirectory);
        Directories.Make(paths.MergedDirectory);
        try
        {
            if (definition.UserNamespace is { } maps)
                IdmappedRootfs.Mount(maps, lowest, paths.UpperDirectory, paths.WorkDirectory, paths.MergedDirectory, Path.Combine(paths.Directory, "idmapped"), Options.InitPath);
            else
                OverlayMount.Mount(lowest, paths.UpperDirectory, paths.WorkDirectory, paths.MergedDirectory, discardable: definition.AutoRemove);
        }
        catch (SystemCallException ex)
        {
            throw new ContainerToolsException(ErrorIds.RootFsMountFailed, $"Could not mount the container's root filesystem: {ex.Message}", paths.MergedDirectory, ex);
        }
    }
}
