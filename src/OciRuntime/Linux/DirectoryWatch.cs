using System.Runtime.InteropServices;
using Tmds.Linux;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// inotify on one directory, so a waiter is told instead of finding out at its next poll: wakes when a name is renamed
/// into it or deleted from it, or the directory itself goes. A container's files are all replaced by rename (its monitor's
/// exit.json, state.json) and its removal deletes them, so those are the changes a wait for its exit looks for.
/// </summary>
public sealed unsafe class DirectoryWatch : IDisposable
{
    private const int InNonBlock = 0x800, InCloseOnExec = 0x80000;
    private const uint InMovedTo = 0x80, InDelete = 0x200, InDeleteSelf = 0x400, InMoveSelf = 0x800, InOnlyDir = 0x01000000;

    private readonly int _fd;

    private DirectoryWatch(int fd) => _fd = fd;

    /// <summary>A watch on <paramref name="directory"/>; null when there is none to have (the directory is gone, or inotify's limits are reached): the caller then polls as before.</summary>
    public static DirectoryWatch? TryOpen(string directory)
    {
        var fd = inotify_init1(InNonBlock | InCloseOnExec);
        if (fd < 0) return null;
        fixed (byte* path = FileDescriptors.Zero(directory))
        {
            if (inotify_add_watch(fd, path, InMovedTo | InDelete | InDeleteSelf | InMoveSelf | InOnlyDir) < 0)
            {
                FileDescriptors.Close(fd);
                return null;
            }
        }
        return new DirectoryWatch(fd);
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for a change; true when one came (and every change so far is consumed).</summary>
    public bool WaitForChange(int timeoutMs)
    {
        Span<bool> ready = stackalloc bool[1];
        if (!Polling.WaitReadable([_fd], ready, timeoutMs)) return false;
        var buffer = stackalloc byte[4096];
        while (true)
        {
            var n = (long)LibC.read(_fd, buffer, 4096);
            if (n > 0) continue;
            var errno = n < 0 ? LibC.errno : 0;
            if (errno == LibC.EINTR) continue;
            if (n == 0 || errno == LibC.EAGAIN) return true;
            throw new SystemCallException("read inotify", errno);
        }
    }

    public void Dispose() => FileDescriptors.Close(_fd);

    [DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern int inotify_init1(int flags);

    [DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern int inotify_add_watch(int fd, byte* path, uint mask);
}
