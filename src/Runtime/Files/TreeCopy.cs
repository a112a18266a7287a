using ContainerTools.OciRuntime.Linux;
using static Tmds.Linux.LibC;

namespace ContainerTools.Runtime.Files;

/// <summary>
/// Copies one file system node, a directory with everything below it, from a (directory fd, name) to another.
/// Both sides stay relative to descriptors: a source entry is examined with lstat and opened O_NOFOLLOW, a
/// destination entry is created with O_EXCL/mkdirat/symlinkat/mknodat and then reached only through O_NOFOLLOW,
/// so symlinks are copied as symlinks and never followed on either side. Hard links among the copied files are kept.
/// </summary>
internal sealed class TreeCopy : IDisposable
{
    private const uint TypeMask = 0xF000;
    private const uint TypeCharacterDevice = 0x2000;
    private const uint TypeBlockDevice = 0x6000;
    private const uint TypeFifo = 0x1000;

    /// <summary>Files whose other names lie outside the copy hold their fd to the end; past this many, a further such
    /// file is copied without linking later names to it rather than risk running out of descriptors.</summary>
    private const int MaxHeldLinks = 1024;

    private readonly FileCopyOptions _options;
    private readonly CancellationToken _cancellationToken;
    private readonly byte[] _buffer = new byte[1 << 20];

    /// <summary>Source (dev, inode) of a multiply linked file -> the copy's fd and how many more links may come.</summary>
    private readonly Dictionary<(ulong, ulong), (int Fd, ulong Remaining)> _links = new();

    /// <summary>Directories this copy created, so a copy into its own source does not copy itself forever.</summary>
    private readonly HashSet<(ulong, ulong)> _createdDirectories = new();

    /// <summary>The source path (below the copy's source root, ending in "/" unless empty) of the directory being copied, for <see cref="FileCopyOptions.SkipSource"/>.</summary>
    public string SourcePrefix { get; set; } = "";

    public TreeCopy(FileCopyOptions options, CancellationToken cancellationToken)
    {
        _options = options;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Copies (<paramref name="sourceDir"/>, <paramref name="sourceName"/>) to (<paramref name="targetDir"/>, <paramref name="targetName"/>).
    /// <paramref name="targetPath"/> names the target in errors.</summary>
    public void CopyNode(int sourceDir, string sourceName, int targetDir, string targetName, string targetPath)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        var st = FileNodes.Stat(sourceDir, sourceName, out var errno);
        if (errno == ENOENT)
        {
            return; // gone since its directory was listed
        }
        if (errno != 0)
        {
            throw LinuxError.ToException(errno, "lstat", sourceName);
        }
        var mode = (uint)(ushort)st.st_mode;
        var existing = FileNodes.Kind(targetDir, targetName);
        if ((mode & TypeMask) == 0x4000)
        {
            CopyDirectory(sourceDir, sourceName, st, targetDir, targetName, targetPath, existing);
            return;
        }
        var type = mode & TypeMask;
        if (type == TypeCharacterDevice && (ulong)st.st_rdev == 0)
        {
            return; // an overlay whiteout, never a real device
        }
        if (type is not (0x8000 or 0xA000 or TypeCharacterDevice or TypeBlockDevice or TypeFifo))
        {
            return; // sockets live only as long as their listener
        }
        if (existing == FileNodeKind.Directory)
        {
            throw FileErrors.OverwriteDirectory(targetPath, withDirectory: false);
        }
        if (existing != FileNodeKind.Missing)
        {
            FileNodes.Unlink(targetDir, targetName, directory: false);
        }
        switch (type)
        {
            case 0x8000:
                CopyRegularFile(sourceDir, sourceName, st, targetDir, targetName, targetPath);
                break;
            case 0xA000:
                FileNodes.MakeSymlink(FileNodes.ReadLink(sourceDir, sourceName), targetDir, targetName);
                ApplyMetadata(sourceDir, sourceName, st, targetDir, targetName, targetPath, isSymlink: true);
                break;
            default:
                var device = (ulong)st.st_rdev;
                FileNodes.MakeNode(targetDir, targetName, type | 0b110_000_000, FileNodes.DeviceMajor(device), FileNodes.DeviceMinor(device));
                ApplyMetadata(sourceDir, sourceName, st, targetDir, targetName, targetPath, isSymlink: false);
                break;
        }
    }

    /// <summary>Copies every entry of the directory <paramref name="sourceDirFd"/> into <paramref name="targetDirFd"/>.</summary>
    public void CopyChildren(int sourceDirFd, int targetDirFd, string targetPath)
    {
        foreach (var name in DirectoryNames.List(sourceDirFd))
        {
            if (_options.SkipSource?.Invoke(SourcePrefix + name) == true)
            {
                continue;
            }
            CopyNode(sourceDirFd, name, targetDirFd, name, Combine(targetPath, name));
        }
    }

    private void CopyDirectory(int sourceDir, string sourceName, Tmds.Linux.stat st, int targetDir, string targetName,
        string targetPath, FileNodeKind existing)
    {
        if (existing is not (FileNodeKind.Missing or FileNodeKind.Directory))
        {
            throw FileErrors.OverwriteDirectory(targetPath, withDirectory: true);
        }
        if (_createdDirectories.Contains(((ulong)st.st_dev, (ulong)st.st_ino)))
        {
            return;
        }
        if (existing == FileNodeKind.Missing)
        {
            var made = FileNodes.TryMakeDirectory(targetDir, targetName, 0b111_000_000);
            if (made != 0)
            {
                throw LinuxError.ToException(made, "mkdir", targetPath);
            }
        }
        var source = FileDescriptors.TryOpenDirectoryNoFollow(sourceDir, sourceName, out var error);
        if (source < 0)
        {
            throw LinuxError.ToException(error, "open", sourceName);
        }
        try
        {
            var target = FileDescriptors.TryOpenDirectoryNoFollow(targetDir, targetName, out error);
            if (target < 0)
            {
                // Only a concurrent swap (a running container) turns the directory we made into something else.
                throw LinuxError.ToException(error, "open", targetPath);
            }
            try
            {
                if (existing == FileNodeKind.Missing)
                {
                    var made = FileNodes.Stat(target, out _);
                    _createdDirectories.Add(((ulong)made.st_dev, (ulong)made.st_ino));
                }
                var prefix = SourcePrefix;
                SourcePrefix = prefix + sourceName + "/";
                try
                {
                    CopyChildren(source, target, targetPath);
                }
                finally
                {
                    SourcePrefix = prefix;
                }
                ApplyMetadata(sourceDir, sourceName, st, target, ".", targetPath, isSymlink: false);
            }
            finally
            {
                FileDescriptors.Close(target);
            }
        }
        finally
        {
            FileDescriptors.Close(source);
        }
    }

    private void CopyRegularFile(int sourceDir, string sourceName, Tmds.Linux.stat st, int targetDir, string targetName, string targetPath)
    {
        var key = ((ulong)st.st_dev, (ulong)st.st_ino);
        if ((ulong)st.st_nlink > 1 && _links.TryGetValue(key, out var first))
        {
            FileNodes.MakeHardLinkTo(first.Fd, targetDir, targetName);
            if (first.Remaining <= 1)
            {
                FileDescriptors.Close(first.Fd);
                _links.Remove(key);
            }
            else
            {
                _links[key] = (first.Fd, first.Remaining - 1);
            }
            return;
        }
        // O_NONBLOCK: if a fifo was swapped in after the lstat, the open must not hang.
        var source = FileDescriptors.TryOpen(sourceDir, sourceName, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, out var error);
        if (source < 0)
        {
            if (error == ENOENT) { return; }
            throw LinuxError.ToException(error, "open", sourceName);
        }
        var keep = false;
        var target = -1;
        try
        {
            var opened = FileNodes.Stat(source, out error);
            if (error != 0 || FileNodes.KindOf((uint)(ushort)opened.st_mode) != FileNodeKind.RegularFile)
            {
                return; // replaced by something else since the lstat
            }
            target = FileDescriptors.TryCreateExclusive(targetDir, targetName, 0b110_000_000, out error);
            if (target < 0)
            {
                throw LinuxError.ToException(error, "create", targetPath);
            }
            int n;
            while ((n = FileDescriptors.Read(source, _buffer, sourceName)) > 0)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                FileDescriptors.WriteAll(target, _buffer.AsSpan(0, n), targetPath);
            }
            if (OwnerOf(st) is { } owner)
            {
                FileNodes.SetOwner(target, owner.Uid, owner.Gid, targetPath);
            }
            // chmod after chown: chown clears setuid/setgid.
            FileNodes.SetMode(target, ModeOf(st), targetPath);
            foreach (var (xattr, value) in CarriedXattrs.Read(sourceDir, sourceName))
            {
                CarriedXattrs.Check(Xattrs.TrySet(target, xattr, value), xattr, targetPath);
            }
            FileNodes.SetTimes(target, new FileTime(st.st_mtim.tv_sec, st.st_mtim.tv_nsec), targetPath);
            if ((ulong)st.st_nlink > 1 && _links.Count < MaxHeldLinks)
            {
                _links[key] = (target, (ulong)st.st_nlink - 1);
                keep = true;
            }
        }
        finally
        {
            FileDescriptors.Close(source);
            if (!keep)
            {
                FileDescriptors.Close(target);
            }
        }
    }

    /// <summary>The owner a copied node gets on disk, null: the copying process's (plain docker cp).</summary>
    private (int Uid, int Gid)? OwnerOf(Tmds.Linux.stat st)
    {
        (int Uid, int Gid)? owner = _options.Owner ?? (_options.KeepOwners ? ((int)(uint)st.st_uid, (int)(uint)st.st_gid) : null);
        if (_options.MapOwner is not { } map) return owner;
        var (uid, gid) = owner ?? (0, 0);
        return map(uid, gid);
    }

    private void ApplyMetadata(int sourceDir, string sourceName, Tmds.Linux.stat st, int targetDir, string targetName,
        string targetPath, bool isSymlink)
    {
        if (OwnerOf(st) is { } owner)
        {
            FileNodes.SetOwner(targetDir, targetName, owner.Uid, owner.Gid);
        }
        if (!isSymlink)
        {
            FileNodes.SetMode(targetDir, targetName, ModeOf(st));
        }
        var xattrs = CarriedXattrs.Read(sourceDir, sourceName);
        if (xattrs.Count > 0)
        {
            var path = FileDescriptors.ProcPath(targetDir, targetName);
            foreach (var (xattr, value) in xattrs)
            {
                CarriedXattrs.Check(Xattrs.TrySetNoFollow(path, xattr, value), xattr, targetPath);
            }
        }
        FileNodes.SetTimes(targetDir, targetName, new FileTime(st.st_mtim.tv_sec, st.st_mtim.tv_nsec));
    }

    private uint ModeOf(Tmds.Linux.stat st) =>
        _options.Mode is { } mode ? ((uint)(ushort)st.st_mode & TypeMask) | (mode & 0xFFF) : (uint)(ushort)st.st_mode;

    private static string Combine(string path, string name) => path.EndsWith('/') ? path + name : path + "/" + name;

    public void Dispose()
    {
        foreach (var (fd, _) in _links.Values)
        {
            FileDescriptors.Close(fd);
        }
        _links.Clear();
    }
}
