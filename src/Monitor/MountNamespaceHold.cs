using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Monitor;

/// <summary>
/// A reference to the container's mount namespace, taken as soon as its program runs. Without it the namespace dies
/// with the program's last process, inside its exit: the kernel unmounts the ~50 mounts in it (proc, sysfs, the cgroup
/// tree, devpts, mqueue, the binds) before the monitor's wait returns, 0.4 ms or more of every exit's critical path.
/// Held, the exit is reported at once and the namespace goes when the monitor closes the descriptor (ExitTeardown),
/// alongside the rest of the teardown. -1 when the program is already gone (nothing to hold; nothing lost).
/// </summary>
internal static class MountNamespaceHold
{
    private const int ReadOnly = 0;

    public static int Take(int pid)
    {
        var fd = FileDescriptors.TryOpen(FileDescriptors.CurrentDirectory, $"/proc/{pid}/ns/mnt", ReadOnly, out _);
        return fd < 0 ? -1 : fd;
    }
}
