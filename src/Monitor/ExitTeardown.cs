using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Monitor;

/// <summary>
/// The half of a last exit's teardown that is the kernel's slow work, on a thread of its own while the monitor's main
/// thread removes the cgroup and writes the "die" event: the container's mount namespace is let go (the kernel then
/// unmounts everything in it: proc, sysfs, the cgroup tree, the binds; see <see cref="MountNamespaceHold"/>) and the
/// root filesystem is unmounted. Joined before exit.json, which says both are done.
/// </summary>
internal sealed class ExitTeardown
{
    private readonly NativeThread? _thread;
    private string? _error;

    private ExitTeardown(int mountNamespace, ContainerPaths paths)
    {
        void Run()
        {
            try
            {
                FileDescriptors.Close(mountNamespace);
                OverlayMount.Unmount(paths.MergedDirectory);
            }
            catch (Exception ex)
            {
                _error = ex.Message;
            }
        }
        // Without a thread (pthread_create failed), it runs here: slower, never skipped.
        try { _thread = NativeThread.Start(Run, "teardown"); }
        catch (SystemCallException) { Run(); }
    }

    public static ExitTeardown Start(int mountNamespace, ContainerPaths paths) => new(mountNamespace, paths);

    /// <summary>Waits for it; the failure's message, or null.</summary>
    public string? Join()
    {
        _thread?.Join(Timeout.InfiniteTimeSpan);
        return _error;
    }
}
