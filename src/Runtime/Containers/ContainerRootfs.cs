using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers;

public sealed partial class ContainerStore
{
    /// <summary>
    /// Runs <paramref name="action"/> on the container's root filesystem (the overlay merged directory). A running
    /// container's mount is used as it is; a created or exited container's overlay is mounted for the call, under the
    /// container's lock (so it cannot start meanwhile), and unmounted afterwards: what the action writes stays in the
    /// container's upper layer.
    /// </summary>
    public T WithRootfs<T>(string idOrName, Func<string, T> action)
    {
        var container = Resolve(idOrName);
        if (container.Status is ContainerStatus.Running or ContainerStatus.Paused)
        {
            var merged = container.Paths.MergedDirectory;
            if (OverlayMount.IsMountPoint(merged)) return action(merged);
        }
        return WithLock(container.Id, current =>
        {
            var merged = current.Paths.MergedDirectory;
            if (current.Status is ContainerStatus.Running or ContainerStatus.Paused && OverlayMount.IsMountPoint(merged))
            {
                return action(merged);
            }
            if (OverlayMount.IsMountPoint(merged))
            {
                // A stopped container's root is not mounted; a leftover mount (a crashed cleanup) is its own state: reuse it.
                return action(merged);
            }
            MountRootFs(current.Paths, current.Definition);
            try
            {
                return action(merged);
            }
            finally
            {
                OverlayMount.Unmount(merged);
            }
        });
    }

    public void WithRootfs(string idOrName, Action<string> action) => WithRootfs(idOrName, rootfs => { action(rootfs); return 0; });
}
