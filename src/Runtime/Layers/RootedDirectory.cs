using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Runtime.Layers;

/// <summary>
/// The layer's target directory, held open, and the walk that finds an entry's parent inside it. Each component is
/// opened with openat(O_NOFOLLOW|O_DIRECTORY) from the one before, so a symlink anywhere in the parent chain is met,
/// never followed: nothing the layer planted can send a later write outside the root.
/// The most recent parent stays open because tar entries come grouped by directory.
/// </summary>
internal sealed class RootedDirectory : IDisposable
{
    private const uint ImplicitDirectoryMode = 0b111_101_101;

    private readonly int _rootFd;
    private string _cachedPath = "";
    private int _cachedFd;

    private RootedDirectory(string path, int rootFd)
    {
        Path = path;
        _rootFd = rootFd;
        _cachedFd = rootFd;
    }

    public string Path { get; }

    public int RootFd => _rootFd;

    public static RootedDirectory Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        return new RootedDirectory(full, FileDescriptors.OpenDirectory(full));
    }

    /// <summary>
    /// The directory fd for <paramref name="parent"/> (a normalized relative path), creating missing directories.
    /// The fd belongs to this object and stays valid until the next call.
    /// </summary>
    public int ParentFor(string parent, string entryName) => Resolve(parent, create: true, entryName, out _);

    /// <summary>
    /// Like <see cref="ParentFor"/> but never creates anything: -1 (with the reason) when a component is missing or
    /// not a directory. The fd belongs to this object and stays valid until the next call.
    /// </summary>
    public int TryParentOf(string parent, out string? failure) => Resolve(parent, create: false, parent, out failure);

    private int Resolve(string parent, bool create, string entryName, out string? failure)
    {
        failure = null;
        if (parent == _cachedPath)
        {
            return _cachedFd;
        }
        int start;
        int from;
        if (_cachedPath.Length > 0 && parent.Length > _cachedPath.Length && parent[_cachedPath.Length] == '/' &&
            parent.StartsWith(_cachedPath, StringComparison.Ordinal))
        {
            start = _cachedFd;
            from = _cachedPath.Length + 1;
        }
        else
        {
            start = _rootFd;
            from = 0;
        }
        var fd = Walk(start, parent, from, create, entryName, out failure);
        if (fd >= 0)
        {
            SetCache(parent, fd);
        }
        return fd;
    }

    /// <summary>Like <see cref="ParentFor"/> but never creates anything and reports failure instead of throwing.
    /// The caller owns the returned fd (close it with <see cref="Release"/>).</summary>
    public int TryOpenExisting(string parent, out string? failure)
    {
        if (parent.Length == 0)
        {
            failure = null;
            return _rootFd;
        }
        return Walk(_rootFd, parent, 0, create: false, parent, out failure);
    }

    public void Release(int fd)
    {
        if (fd != _rootFd && fd != _cachedFd)
        {
            FileDescriptors.Close(fd);
        }
    }

    private int Walk(int start, string parent, int from, bool create, string entryName, out string? failure)
    {
        failure = null;
        var current = start;
        var path = parent.AsSpan();
        while (from < path.Length)
        {
            var slash = path[from..].IndexOf('/');
            var component = slash < 0 ? path[from..] : path.Slice(from, slash);
            from = slash < 0 ? path.Length : from + slash + 1;

            var next = FileDescriptors.TryOpenDirectoryNoFollow(current, component, out var error);
            if (next < 0 && error == Tmds.Linux.LibC.ENOENT && create)
            {
                var made = FileNodes.TryMakeDirectory(current, component, ImplicitDirectoryMode);
                if (made != 0 && made != Tmds.Linux.LibC.EEXIST)
                {
                    CloseIfOwned(current, start);
                    throw LinuxError.ToException(made, "mkdir", $"{Path}/{parent}");
                }
                next = FileDescriptors.TryOpenDirectoryNoFollow(current, component, out error);
                if (made == 0 && next >= 0)
                {
                    // 0755 whatever the process umask: a directory the layer did not describe must stay traversable.
                    FileNodes.SetMode(next, ".", ImplicitDirectoryMode);
                }
            }
            if (next < 0)
            {
                var kind = error == Tmds.Linux.LibC.ENOENT ? FileNodeKind.Missing : FileNodes.Kind(current, component.ToString());
                CloseIfOwned(current, start);
                failure = kind switch
                {
                    FileNodeKind.Symlink => "a parent directory is a symlink",
                    FileNodeKind.Missing => "a parent directory does not exist",
                    FileNodeKind.Directory => LinuxError.ToException(error, "open", $"{Path}/{parent}").Message,
                    _ => "a parent directory is not a directory",
                };
                if (!create)
                {
                    return -1;
                }
                if (kind == FileNodeKind.Symlink)
                {
                    throw LayerErrors.Unsafe(entryName, failure);
                }
                if (kind == FileNodeKind.Directory)
                {
                    throw LinuxError.ToException(error, "open", $"{Path}/{parent}");
                }
                throw LayerErrors.Corrupt($"entry '{entryName}': {failure}");
            }
            CloseIfOwned(current, start);
            current = next;
        }
        return current;
    }

    private void CloseIfOwned(int fd, int start)
    {
        if (fd != start && fd != _rootFd && fd != _cachedFd)
        {
            FileDescriptors.Close(fd);
        }
    }

    private void SetCache(string path, int fd)
    {
        if (_cachedFd != _rootFd && _cachedFd != fd)
        {
            FileDescriptors.Close(_cachedFd);
        }
        _cachedPath = path;
        _cachedFd = fd;
    }

    public void Dispose()
    {
        SetCache("", _rootFd);
        FileDescriptors.Close(_rootFd);
    }
}
