using System.Formats.Tar;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Runtime.Layers;

/// <summary>One pass over a layer's tar: every entry is created relative to an fd inside the root, never by path.</summary>
internal sealed class LayerExtraction
{
    private const uint TypeCharacterDevice = 0x2000;
    private const uint TypeBlockDevice = 0x6000;
    private const uint TypeFifo = 0x1000;

    private readonly RootedDirectory _root;
    private readonly CapturingStream _tar;
    private readonly CancellationToken _cancellationToken;
    private readonly byte[] _buffer = new byte[1 << 20];
    private readonly List<(string Path, FileTime Time)> _directoryTimes = new();
    private readonly uint _umask = FileCreationMask.Current();

    public LayerExtraction(RootedDirectory root, CapturingStream tar, CancellationToken cancellationToken)
    {
        _root = root;
        _tar = tar;
        _cancellationToken = cancellationToken;
    }

    public long UnpackedSize { get; private set; }

    public void Run()
    {
        var reader = new TarReader(_tar, leaveOpen: true);
        while (NextEntry(reader) is { } entry)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            Apply(entry);
            DrainData(entry);
        }
        try
        {
            _tar.Drain(_buffer);
        }
        catch (Exception e) when (LayerErrors.IsCorruptData(e))
        {
            throw LayerErrors.Corrupt(e.Message, e);
        }
        SetDirectoryTimes();
    }

    private TarEntry? NextEntry(TarReader reader)
    {
        _tar.StartCapture();
        TarEntry? entry;
        try
        {
            entry = reader.GetNextEntry(copyData: false);
        }
        catch (EndOfStreamException) when (_tar.BytesRead == 0)
        {
            return null; // a zero-byte layer holds nothing, as for docker
        }
        catch (Exception e) when (LayerErrors.IsCorruptData(e))
        {
            throw LayerErrors.Corrupt(e.Message, e);
        }
        finally
        {
            _tar.StopCapture();
        }
        if (!_tar.CaptureOverflowed)
        {
            var headers = new RawTarHeaders(_tar.Captured, _tar.CaptureStartPosition);
            while (headers.MoveNext())
            {
                if (!RawTarHeaders.ChecksumMatches(headers.Header))
                {
                    throw LayerErrors.Corrupt($"a tar header checksum does not match{(entry is null ? "" : $" (entry '{entry.Name}')")}");
                }
            }
        }
        return entry;
    }

    private void Apply(TarEntry entry)
    {
        var path = LayerPath.Normalize(entry.Name);
        if (path.Length == 0)
        {
            ApplyRoot(entry);
            return;
        }
        var (parent, name) = LayerPath.Split(path);
        if (name.StartsWith(Whiteouts.Prefix, StringComparison.Ordinal))
        {
            ApplyWhiteout(entry, parent, name);
            return;
        }
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                ApplyDirectory(entry, path, parent, name);
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                ApplyRegularFile(entry, parent, name);
                break;
            case TarEntryType.SymbolicLink:
                ApplySymlink(entry, parent, name);
                break;
            case TarEntryType.HardLink:
                ApplyHardLink(entry, path, parent, name);
                break;
            case TarEntryType.CharacterDevice:
                ApplyNode(entry, parent, name, TypeCharacterDevice);
                break;
            case TarEntryType.BlockDevice:
                ApplyNode(entry, parent, name, TypeBlockDevice);
                break;
            case TarEntryType.Fifo:
                ApplyNode(entry, parent, name, TypeFifo);
                break;
        }
    }

    private void ApplyRoot(TarEntry entry)
    {
        if (entry.EntryType != TarEntryType.Directory)
        {
            throw LayerErrors.Unsafe(entry.Name, "only a directory may stand for the layer root");
        }
        ApplyMetadata(entry, _root.RootFd, ".", isSymlink: false);
        _directoryTimes.Add(("", FileTime.From(entry.ModificationTime)));
    }

    private void ApplyWhiteout(TarEntry entry, string parent, string name)
    {
        var dirFd = _root.ParentFor(parent, entry.Name);
        if (name == Whiteouts.OpaqueMarker)
        {
            Xattrs.SetNoFollow(FileDescriptors.ProcPath(dirFd, "."), Whiteouts.OpaqueXattr, "y"u8);
            return;
        }
        if (name.StartsWith(Whiteouts.MetaPrefix, StringComparison.Ordinal))
        {
            return;
        }
        var hidden = name[Whiteouts.Prefix.Length..];
        if (hidden is "." or "..")
        {
            throw LayerErrors.Unsafe(entry.Name, "a whiteout must name a file");
        }
        RemoveExisting(dirFd, hidden, keepDirectory: false);
        FileNodes.MakeNode(dirFd, hidden, TypeCharacterDevice, 0, 0);
    }

    private void ApplyDirectory(TarEntry entry, string path, string parent, string name)
    {
        var dirFd = _root.ParentFor(parent, entry.Name);
        // Made first, looked at only when the name is taken: a later entry for an existing directory merges into it.
        var error = FileNodes.TryMakeDirectory(dirFd, name, 0b111_000_000);
        if (error == Tmds.Linux.LibC.EEXIST)
        {
            error = RemoveExisting(dirFd, name, keepDirectory: true) ? 0 : FileNodes.TryMakeDirectory(dirFd, name, 0b111_000_000);
        }
        if (error != 0)
        {
            throw LinuxError.ToException(error, "mkdir", $"{_root.Path}/{path}");
        }
        ApplyMetadata(entry, dirFd, name, isSymlink: false);
        _directoryTimes.Add((path, FileTime.From(entry.ModificationTime)));
    }

    private void ApplyRegularFile(TarEntry entry, string parent, string name)
    {
        var dirFd = _root.ParentFor(parent, entry.Name);
        // O_EXCL|O_NOFOLLOW: a name already taken (a planted symlink included) is never written through; it is
        // unlinked and the file created afresh.
        // A plain mode the umask leaves whole is given at creation, saving a chmod; setuid/setgid/sticky modes are set
        // after the chown, which would clear them.
        var mode = (uint)entry.Mode & 0xFFF;
        var createMode = (mode & ~0b111_111_111u) == 0 && (mode & _umask) == 0 ? mode : 0b110_000_000;
        var fd = FileDescriptors.TryCreateExclusive(dirFd, name, createMode, out var error);
        if (fd < 0 && error == Tmds.Linux.LibC.EEXIST)
        {
            RemoveExisting(dirFd, name, keepDirectory: false);
            fd = FileDescriptors.TryCreateExclusive(dirFd, name, createMode, out error);
        }
        if (fd < 0)
        {
            throw LinuxError.ToException(error, "create", $"{_root.Path}/{entry.Name}");
        }
        try
        {
            CopyData(entry, fd);
            FileNodes.SetOwner(fd, entry.Uid, entry.Gid, entry.Name);
            if (createMode != mode)
            {
                // chmod after chown: chown clears setuid/setgid.
                FileNodes.SetMode(fd, mode, entry.Name);
            }
            if (PaxXattrs.Read(entry, _tar) is { } xattrs)
            {
                foreach (var (xattr, value) in xattrs)
                {
                    if (!Whiteouts.IsReservedXattr(xattr))
                    {
                        Tolerate(Xattrs.TrySet(fd, xattr, value), xattr, entry.Name);
                    }
                }
            }
            FileNodes.SetTimes(fd, FileTime.From(entry.ModificationTime), entry.Name);
        }
        finally
        {
            FileDescriptors.Close(fd);
        }
        UnpackedSize += entry.Length;
    }

    private void ApplySymlink(TarEntry entry, string parent, string name)
    {
        var dirFd = _root.ParentFor(parent, entry.Name);
        // The target is content, interpreted later inside the container's root; we never resolve it here.
        var error = FileNodes.TryMakeSymlink(entry.LinkName, dirFd, name);
        if (error == Tmds.Linux.LibC.EEXIST)
        {
            RemoveExisting(dirFd, name, keepDirectory: false);
            error = FileNodes.TryMakeSymlink(entry.LinkName, dirFd, name);
        }
        if (error != 0)
        {
            throw LinuxError.ToException(error, "symlink", $"{_root.Path}/{entry.Name}");
        }
        ApplyMetadata(entry, dirFd, name, isSymlink: true);
        UnpackedSize += entry.LinkName.Length;
    }

    private void ApplyHardLink(TarEntry entry, string path, string parent, string name)
    {
        if (string.IsNullOrEmpty(entry.LinkName))
        {
            throw LayerErrors.Unsafe(entry.Name, "a hard link without a target");
        }
        string target;
        try
        {
            target = LayerPath.Normalize(entry.LinkName);
        }
        catch (OciRuntime.Errors.ContainerToolsException)
        {
            throw LayerErrors.Unsafe(entry.Name, $"hard link target '{entry.LinkName}' climbs above the layer root");
        }
        if (target.Length == 0)
        {
            throw LayerErrors.Unsafe(entry.Name, "a hard link to the layer root");
        }
        if (target == path)
        {
            return;
        }
        var (targetParent, targetName) = LayerPath.Split(target);
        var targetFd = _root.TryOpenExisting(targetParent, out var failure);
        if (targetFd < 0)
        {
            throw LayerErrors.Unsafe(entry.Name, $"hard link target '{entry.LinkName}' is not inside the layer ({failure})");
        }
        try
        {
            var kind = FileNodes.Kind(targetFd, targetName);
            if (kind is FileNodeKind.Missing or FileNodeKind.Directory)
            {
                throw LayerErrors.Unsafe(entry.Name, $"hard link target '{entry.LinkName}' is not a file earlier in the layer");
            }
            var dirFd = _root.ParentFor(parent, entry.Name);
            RemoveExisting(dirFd, name, keepDirectory: false);
            FileNodes.MakeHardLink(targetFd, targetName, dirFd, name);
        }
        finally
        {
            _root.Release(targetFd);
        }
    }

    private void ApplyNode(TarEntry entry, string parent, string name, uint type)
    {
        var dirFd = _root.ParentFor(parent, entry.Name);
        RemoveExisting(dirFd, name, keepDirectory: false);
        var (major, minor) = entry is PosixTarEntry posix && type != TypeFifo ? ((uint)posix.DeviceMajor, (uint)posix.DeviceMinor) : (0u, 0u);
        FileNodes.MakeNode(dirFd, name, type | 0b110_000_000, major, minor);
        ApplyMetadata(entry, dirFd, name, isSymlink: false);
    }

    private void ApplyMetadata(TarEntry entry, int dirFd, string name, bool isSymlink)
    {
        FileNodes.SetOwner(dirFd, name, entry.Uid, entry.Gid);
        if (!isSymlink)
        {
            // chmod after chown: chown clears setuid/setgid.
            FileNodes.SetMode(dirFd, name, (uint)entry.Mode);
        }
        if (PaxXattrs.Read(entry, _tar) is { } xattrs)
        {
            var path = FileDescriptors.ProcPath(dirFd, name);
            foreach (var (xattr, value) in xattrs)
            {
                if (!Whiteouts.IsReservedXattr(xattr))
                {
                    Tolerate(Xattrs.TrySetNoFollow(path, xattr, value), xattr, entry.Name);
                }
            }
        }
        if (entry.EntryType != TarEntryType.Directory)
        {
            FileNodes.SetTimes(dirFd, name, FileTime.From(entry.ModificationTime));
        }
    }

    /// <summary>
    /// Like docker, a file system that cannot hold an attribute (ENOTSUP) or will not let us (EPERM, e.g. user.* on a
    /// symlink) does not fail the whole image; anything else does.
    /// </summary>
    private static void Tolerate(int error, string name, string entryName)
    {
        if (error != 0 && error != Tmds.Linux.LibC.ENOTSUP && error != Tmds.Linux.LibC.EOPNOTSUPP && error != Tmds.Linux.LibC.EPERM)
        {
            throw LinuxError.ToException(error, $"set xattr {name}", entryName);
        }
    }

    /// <summary>
    /// A later entry replaces an earlier one with the same name: whatever is there (a planted symlink included) is
    /// unlinked, never written through. Returns true when a directory was kept for a directory entry to merge into.
    /// </summary>
    private bool RemoveExisting(int dirFd, string name, bool keepDirectory)
    {
        switch (FileNodes.Kind(dirFd, name))
        {
            case FileNodeKind.Missing:
                return false;
            case FileNodeKind.Directory when keepDirectory:
                return true;
            case FileNodeKind.Directory:
                RemoveDirectoryTree(dirFd, name);
                return false;
            default:
                FileNodes.Unlink(dirFd, name, directory: false);
                return false;
        }
    }

    private static void RemoveDirectoryTree(int dirFd, string name)
    {
        // Through /proc/self/fd the walk starts at the directory we resolved; .NET unlinks the symlinks it meets
        // instead of following them.
        Directory.Delete(FileDescriptors.ProcPath(dirFd, name), recursive: true);
    }

    private void CopyData(TarEntry entry, int fd)
    {
        var remaining = entry.Length;
        var data = entry.DataStream;
        if (remaining > 0 && data is null)
        {
            throw LayerErrors.Corrupt($"entry '{entry.Name}' has no data");
        }
        while (remaining > 0)
        {
            var n = ReadData(data!, _buffer.AsSpan(0, (int)Math.Min(_buffer.Length, remaining)), entry.Name);
            FileDescriptors.WriteAll(fd, _buffer.AsSpan(0, n), entry.Name);
            remaining -= n;
        }
    }

    private void DrainData(TarEntry entry)
    {
        var data = entry.DataStream;
        if (data is null)
        {
            return;
        }
        try
        {
            while (data.Read(_buffer) > 0)
            {
            }
        }
        catch (Exception e) when (LayerErrors.IsCorruptData(e))
        {
            throw LayerErrors.Corrupt($"entry '{entry.Name}': {e.Message}", e);
        }
    }

    private static int ReadData(Stream data, Span<byte> buffer, string entryName)
    {
        int n;
        try
        {
            n = data.Read(buffer);
        }
        catch (Exception e) when (LayerErrors.IsCorruptData(e))
        {
            throw LayerErrors.Corrupt($"entry '{entryName}': {e.Message}", e);
        }
        if (n == 0)
        {
            throw LayerErrors.Corrupt($"entry '{entryName}' is cut short");
        }
        return n;
    }

    /// <summary>Directory times go last: creating their contents changed them.</summary>
    private void SetDirectoryTimes()
    {
        for (var i = _directoryTimes.Count - 1; i >= 0; i--)
        {
            var (path, time) = _directoryTimes[i];
            if (path.Length == 0)
            {
                FileNodes.SetTimes(_root.RootFd, ".", time);
                continue;
            }
            var (parent, name) = LayerPath.Split(path);
            var dirFd = _root.TryParentOf(parent, out _);
            if (dirFd >= 0 && FileNodes.Kind(dirFd, name) == FileNodeKind.Directory)
            {
                FileNodes.SetTimes(dirFd, name, time);
            }
        }
    }
}
