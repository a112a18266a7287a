using ContainerTools.Runtime.Containers.State;
using ContainerTools.Runtime.Storage;
using ContainerTools.OciRuntime.Files;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Runtime.Containers;

/// <summary>
/// One write operation's hold on a container (ContainerStore.Open): its lock, taken once per call, and the container
/// as settled under it. The operation changes the state through <see cref="Save"/>; Dispose releases the lock.
/// </summary>
internal sealed class ContainerHandle : IDisposable
{
    private readonly ContainerStore _store;
    private readonly FileLock _lock;

    internal ContainerHandle(ContainerStore store, FileLock held, Container settled)
    {
        _store = store;
        _lock = held;
        Container = settled;
    }

    public Container Container { get; private set; }

    public Container Save(ContainerRuntimeState state) => Container = _store.SaveState(Container, state);

    /// <summary>After a change to container.json (Connect, Disconnect).</summary>
    public Container Replace(Container container) => Container = container;

    /// <summary>
    /// Holding the lock, waits for the monitor to record the exit (exit.json), or to be found gone, and settles it;
    /// null when <paramref name="timeout"/> passes first. The monitor itself never takes the lock; its ctcleanup, which
    /// does, then finds the exit settled.
    /// </summary>
    public Container? WaitForExit(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = 1;
        // Woken when the monitor renames exit.json into place; the polls catch a monitor that died without one.
        using var watch = DirectoryWatch.TryOpen(Container.Paths.Directory);
        while (true)
        {
            var seen = ContainerTransitions.Observe(Container);
            if (!ContainerTransitions.IsActive(seen.Status)) return Container = _store.Settle(seen);
            if (DateTime.UtcNow >= deadline) return null;
            if (watch is null) Thread.Sleep(delay);
            else watch.WaitForChange(delay);
            delay = Math.Min(delay * 2, 20);
        }
    }

    public void Dispose() => _lock.Dispose();
}
