namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// A directory as one stat sees it: which inode, and when its entries last changed (mtime and ctime, to the
/// nanosecond). Any entry created, removed or renamed in it gives another version.
/// </summary>
public readonly record struct DirectoryVersion(ulong Device, ulong Inode, long Modified, long ModifiedNanoseconds, long Changed, long ChangedNanoseconds)
{
    /// <summary>Null when the path is missing or not a directory.</summary>
    public static DirectoryVersion? Of(string path)
    {
        var st = FileNodes.Stat(FileDescriptors.CurrentDirectory, path, out var errno);
        if (errno != 0 || FileNodes.KindOf((uint)(ushort)st.st_mode) != FileNodeKind.Directory) return null;
        return new((ulong)st.st_dev, (ulong)st.st_ino, st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
    }
}
