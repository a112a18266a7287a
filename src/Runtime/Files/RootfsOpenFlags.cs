namespace ContainerTools.Runtime.Files;

/// <summary>How <see cref="RootfsPath.Open"/> opens what a container path names.</summary>
[Flags]
public enum RootfsOpenFlags
{
    /// <summary>A handle that only names the object (O_PATH): enough to stat it or to resolve names below it.</summary>
    PathOnly = 0,

    /// <summary>Open for reading (O_RDONLY).</summary>
    Read = 1,

    /// <summary>Fail unless the object is a directory (O_DIRECTORY).</summary>
    Directory = 2,

    /// <summary>A symlink as the last component is opened as the link itself, not followed (O_NOFOLLOW).
    /// Symlinks earlier in the path are always followed, inside the root.</summary>
    NoFollow = 4,
}
