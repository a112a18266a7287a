using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Containers.Attach;
using ContainerTools.Runtime.Containers.Monitor;

namespace ContainerTools.Runtime.Containers;

public sealed partial class ContainerStore
{
    /// <summary>
    /// Creates a container and starts it attached (docker run without -d): <see cref="Create"/> then
    /// <see cref="StartAttached(string)"/>, with the container's monitor spawned as soon as the container is registered,
    /// so that the monitor's own start runs while the rest of the create and the start's work do. A create that fails
    /// leaves nothing (the monitor exits without the go); a start that fails leaves the container created with the
    /// error, as StartAttached does, or removes it if it is removed when it exits (docker run --rm).
    /// </summary>
    public AttachedRun RunAttached(ContainerCreateOptions options)
    {
        StartingMonitor? monitor = null;
        Container container;
        try
        {
            container = Create(options, registered => monitor = SpawnMonitor(registered, attach: true));
        }
        catch
        {
            monitor?.Dispose();
            throw;
        }
        try
        {
            return StartAttached(container.Id, monitor);
        }
        catch
        {
            // A no-op if the start got as far as disposing it (or the go) itself.
            monitor?.Dispose();
            // docker run --rm: a container that could not start is not kept either.
            if (options.AutoRemove)
            {
                try { Remove(container.Id, force: true); } catch (Exception) { }
            }
            throw;
        }
    }

    /// <summary>
    /// Spawns the container's monitor, which waits for the go (<see cref="SpawnedMonitor.Go"/>); for an attached run
    /// with the monitor's end of a connection made now, so that none of the program's output is missed.
    /// </summary>
    private StartingMonitor SpawnMonitor(Container container, bool attach)
    {
        var invocation = MonitorInvocation(container);
        if (!attach) return new StartingMonitor(MonitorLauncher.Spawn(container.Paths, invocation), null);
        var (ours, theirs) = UnixSockets.SeqPacketPair();
        var attachment = new ContainerAttachment(container.Id, ours, container.Definition.Tty);
        try
        {
            attachment.ClaimExit();
            return new StartingMonitor(MonitorLauncher.Spawn(container.Paths, invocation with { AttachFd = theirs }), attachment);
        }
        catch
        {
            attachment.Dispose();
            throw;
        }
        finally
        {
            FileDescriptors.Close(theirs);
        }
    }

    /// <summary>A start's monitor, spawned before the start's work, and the engine's end of its connection for an attached run.</summary>
    private sealed record StartingMonitor(SpawnedMonitor Monitor, ContainerAttachment? Attachment) : IDisposable
    {
        /// <summary>For a start that failed: the monitor exits without the go (a no-op once it went), the connection closes.</summary>
        public void Dispose()
        {
            Attachment?.Dispose();
            Monitor.Dispose();
        }
    }
}
