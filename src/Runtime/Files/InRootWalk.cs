using ContainerTools.OciRuntime.Linux;
using static Tmds.Linux.LibC;

namespace ContainerTools.Runtime.Files;

/// <summary>
/// openat2(RESOLVE_IN_ROOT) done by hand for kernels older than 5.6: one component at a time, each opened
/// O_PATH|O_NOFOLLOW relative to the directory before it and examined through its own fd. A symlink's text is
/// spliced into the remaining path, an absolute one restarting at the root; ".." pops the directory stack and stays
/// at the root when the stack is empty. So, exactly as with the kernel's resolver, no symlink or ".." can reach
/// above the root; after 40 symlinks the answer is ELOOP.
/// </summary>
internal static class InRootWalk
{
    private const int MaxSymlinks = 40; // the kernel's MAXSYMLINKS

    /// <summary>
    /// An fd for <paramref name="path"/> opened with <paramref name="flags"/> (O_* values, O_PATH allowed), or -1 with
    /// <paramref name="error"/> set to the errno openat2 would have given.
    /// </summary>
    public static int TryOpen(int rootFd, string path, int flags, out int error)
    {
        var followFinal = (flags & O_NOFOLLOW) == 0;
        var pending = new LinkedList<string>(path.Split('/'));
        var stack = new List<int>();
        var links = 0;
        var finalFd = -1;
        var finalName = "";
        try
        {
            while (pending.First is { } first)
            {
                var component = first.Value;
                pending.RemoveFirst();
                if (component is "" or ".")
                {
                    continue;
                }
                var current = stack.Count == 0 ? rootFd : stack[^1];
                if (component == "..")
                {
                    if (stack.Count > 0)
                    {
                        FileDescriptors.Close(stack[^1]);
                        stack.RemoveAt(stack.Count - 1);
                    }
                    continue;
                }
                var fd = FileDescriptors.TryOpen(current, component, O_PATH | O_NOFOLLOW, out error);
                if (fd < 0)
                {
                    return -1;
                }
                var st = FileNodes.Stat(fd, out error);
                if (error != 0)
                {
                    FileDescriptors.Close(fd);
                    return -1;
                }
                var kind = FileNodes.KindOf((uint)(ushort)st.st_mode);
                var more = pending.Count > 0; // a trailing "/" leaves an empty component: the link must be followed
                if (kind == FileNodeKind.Symlink && (more || followFinal))
                {
                    var target = FileNodes.TryReadLink(fd, "", out error);
                    FileDescriptors.Close(fd);
                    if (target is null)
                    {
                        return -1;
                    }
                    if (++links > MaxSymlinks)
                    {
                        error = ELOOP;
                        return -1;
                    }
                    if (target.Length == 0)
                    {
                        error = ENOENT;
                        return -1;
                    }
                    if (target[0] == '/')
                    {
                        CloseAll(stack);
                    }
                    var parts = target.Split('/');
                    for (var i = parts.Length - 1; i >= 0; i--)
                    {
                        pending.AddFirst(parts[i]);
                    }
                    continue;
                }
                if (kind == FileNodeKind.Directory)
                {
                    stack.Add(fd);
                    continue;
                }
                if (more)
                {
                    FileDescriptors.Close(fd);
                    error = ENOTDIR;
                    return -1;
                }
                finalFd = fd;
                finalName = component;
            }
            return Reopen(stack.Count == 0 ? rootFd : stack[^1], finalFd, finalName, flags, out error);
        }
        finally
        {
            CloseAll(stack);
            FileDescriptors.Close(finalFd);
        }
    }

    /// <summary>
    /// The walk holds O_PATH fds; the caller's flags are applied at the end. A directory is reopened as "." of itself;
    /// anything else by name in its parent with O_NOFOLLOW, so a symlink swapped in meanwhile is refused (ELOOP), not
    /// followed.
    /// </summary>
    private static int Reopen(int directoryFd, int finalFd, string finalName, int flags, out int error)
    {
        if (finalFd < 0)
        {
            return FileDescriptors.TryOpen(directoryFd, ".", flags & ~O_NOFOLLOW, out error);
        }
        if ((flags & O_DIRECTORY) != 0)
        {
            error = ENOTDIR;
            return -1;
        }
        return FileDescriptors.TryOpen(directoryFd, finalName, flags | O_NOFOLLOW, out error);
    }

    private static void CloseAll(List<int> stack)
    {
        foreach (var fd in stack)
        {
            FileDescriptors.Close(fd);
        }
        stack.Clear();
    }
}
