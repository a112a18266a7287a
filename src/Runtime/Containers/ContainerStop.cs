using ContainerTools.Runtime.Cgroups;
using ContainerTools.Runtime.Containers.Events;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.Runtime.Errors;
using ContainerTools.Runtime.Linux;

namespace ContainerTools.Runtime.Containers;

public sealed partial class ContainerStore
{
    public static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Sends the stop signal (the given one, else the container's: the image's StopSignal or SIGTERM), waits up to
    /// <paramref name="timeout"/> for the container to exit, then kills everything in its cgroup. Returns the exited container.
    /// </summary>
    public Container Stop(string idOrName, TimeSpan? timeout = null, string? signal = null)
    {
        var container = Resolve(idOrName);
        if (container.Status is not (ContainerStatus.Running or ContainerStatus.Paused)) return container;
        var number = SignalNames.Parse(signal ?? container.Definition.StopSignal);
        ProcessSignals.TrySend(container.State.Pid, number);
        // A frozen process cannot act on the signal: let it run so it can stop cleanly.
        if (container.Status == ContainerStatus.Paused) ThawQuietly(container);
        var exited = WaitForExit(container.Id, timeout ?? DefaultStopTimeout);
        if (exited is null)
        {
            KillCgroup(container);
            exited = WaitForExit(container.Id, TimeSpan.FromSeconds(30))
                ?? throw new ContainerToolsException(ErrorKind.InvalidOperation, "ContainerStopFailed",
                    $"The container '{container.Name}' did not exit after SIGKILL.", container.Name);
        }
        Events.Append(ContainerEvent.For(exited, ContainerEventActions.Stop));
        return exited;
    }

    /// <summary>Sends a signal (default SIGKILL) to the container's main process.</summary>
    public Container Kill(string idOrName, string? signal = null)
    {
        var container = Resolve(idOrName);
        if (container.Status is not (ContainerStatus.Running or ContainerStatus.Paused))
        {
            throw new ContainerToolsException(ErrorKind.InvalidOperation, "ContainerNotRunning", $"The container '{container.Name}' is not running.", container.Name);
        }
        var number = SignalNames.Parse(signal ?? "SIGKILL");
        if (number == ProcessSignals.SIGKILL) KillCgroup(container);
        else ProcessSignals.TrySend(container.State.Pid, number);
        if (number == ProcessSignals.SIGKILL) return WaitForExit(container.Id, TimeSpan.FromSeconds(30)) ?? Resolve(container.Id);
        return Resolve(container.Id);
    }

    public Container Restart(string idOrName, TimeSpan? timeout = null)
    {
        var container = Stop(idOrName, timeout);
        return Start(container.Id);
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

    /// <summary>Polls until the container has exited (its exit record merged); null on timeout.</summary>
    private Container? WaitForExit(string id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = 5;
        while (true)
        {
            var container = TryGet(id);
            if (container is null || container.Status is ContainerStatus.Exited or ContainerStatus.Created) return container;
            if (DateTime.UtcNow >= deadline) return null;
            Thread.Sleep(delay);
            delay = Math.Min(delay * 2, 50);
        }
    }

    /// <summary>
    /// Waits for the container to exit and returns its exit code; null when <paramref name="timeout"/> passes first.
    /// A created container is waited for as Docker does: until it has been started and has exited. An AutoRemove
    /// container is removed once its exit code is read.
    /// </summary>
    public int? Wait(string idOrName, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var id = Resolve(idOrName).Id;
        var deadline = timeout is null ? DateTime.MaxValue : DateTime.UtcNow + timeout.Value;
        var delay = 2;
        while (true)
        {
            var container = TryGet(id)
                ?? throw new ContainerToolsException(ErrorKind.NotFound, "ContainerNotFound", $"The container '{idOrName}' was removed.", idOrName);
            if (container.Status == ContainerStatus.Exited)
            {
                // The exit code is read; an AutoRemove container has nothing left to report.
                RemovedAutomatically(container);
                return container.State.ExitCode;
            }
            if (DateTime.UtcNow >= deadline) return null;
            cancellationToken.WaitHandle.WaitOne(delay);
            delay = Math.Min(delay * 2, 20);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
