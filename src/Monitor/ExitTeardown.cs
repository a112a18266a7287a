using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Monitor;

/// <summary>
/// The half of a last exit's teardown that is the kernel's slow work, on a thread of its own while the monitor's main
/// thread removes the cgroup and writes the "die" event: the container's mount namespace is let go (the kernel then
/// unmounts everything in it: proc, sysfs, the cgroup tree, the binds; see <see cref="MountNamespaceHold"/>) and the
/// root filesystem is unmounted. An AutoRemove container's writable layer (upper, work: the overlay's volatile,
/// discarded directories, the deepest part of the container's directory) is deleted here too, so that the engine's
/// removal, which waits for exit.json, has only the container's own files left to delete. Joined before exit.json,
/// which says all of it is done.
/// </summary>
internal sealed class ExitTeardown
{
    private readonly NativeThread _thread;
    private string? _error;

    private ExitTeardown(int mountNamespace, ContainerPaths paths, bool discardWritableLayer)
    {
        _thread = NativeThread.Start(() =>
        {
            try
            {
                FileDescriptors.Close(mountNamespace);
                OverlayMount.Unmount(paths.MergedDirectory);
                if (discardWritableLayer) DeleteWritableLayer(paths);
            }
            catch (Exception ex)
            {
                _error = ex.Message;
            }
        }, "teardown");
    }

    public static ExitTeardown Start(int mountNamespace, ContainerPaths paths, bool discardWritableLayer) =>
        new(mountNamespace, paths, discardWritableLayer);

    /// <summary>Waits for it; the failure's message, or null.</summary>
    public string? Join()
    {
        _thread.Join(Timeout.InfiniteTimeSpan);
        return _error;
    }

    /// <summary>
    /// Only once the root is unmounted (Unmount returned), and never through a mount: if anything is mounted on or
    /// under the layer or the mount point, all of it is left to the engine's Remove, which refuses to delete through
    /// one (this read of mountinfo is on the teardown thread, off the exit's path). The mount point goes too, with
    /// rmdir alone.
    /// </summary>
    private static void DeleteWritableLayer(ContainerPaths paths)
    {
        string[] layer = [paths.WorkDirectory, paths.UpperDirectory, paths.MergedDirectory];
        if (OverlayMount.MountsUnder(paths.Directory).Any(m => layer.Any(dir => m == dir || m.StartsWith(dir + "/", StringComparison.Ordinal)))) return;
        foreach (var dir in layer[..2])
        {
            try { Directory.Delete(dir, recursive: true); }
            catch (DirectoryNotFoundException) { }
        }
        Directories.TryRemove(paths.MergedDirectory);
    }
}
