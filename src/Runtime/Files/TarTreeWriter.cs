using System.Formats.Tar;
using System.Text;
using ContainerTools.OciRuntime.Linux;
using static Tmds.Linux.LibC;

namespace ContainerTools.Runtime.Files;

/// <summary>
/// Writes file system nodes, walked relative to directory fds without following symlinks, as PAX tar entries:
/// numeric owners, full mode (setuid, setgid, sticky), mtime, device numbers, carried xattrs as SCHILY.xattr.*,
/// and a second name of an already written inode as a hard link entry. Overlay whiteouts (0/0 character devices)
/// and sockets are left out, unless <see cref="TarTreeOptions.OverlayWhiteouts"/> asks for a layer diff: then a whiteout
/// becomes a <c>.wh.NAME</c> entry and an opaque directory gets a <c>.wh..wh..opq</c> entry after its own.
/// </summary>
internal sealed class TarTreeWriter : IDisposable
{
    private const string XattrPrefix = "SCHILY.xattr.";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly PaxValuePatchingStream _output;
    private readonly TarWriter _tar;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<(ulong, ulong), string> _firstNames = new();
    private readonly TarTreeOptions _options;

    public TarTreeWriter(Stream output, CancellationToken cancellationToken, TarTreeOptions? options = null)
    {
        _options = options ?? TarTreeOptions.Default;
        _output = new PaxValuePatchingStream(output);
        _tar = new TarWriter(_output, TarEntryFormat.Pax, leaveOpen: true);
        _cancellationToken = cancellationToken;
    }

    /// <summary>Every entry of <paramref name="dirFd"/>, named <paramref name="prefix"/> + name, in ordinal order.</summary>
    public void WriteChildren(int dirFd, string prefix)
    {
        foreach (var name in DirectoryNames.List(dirFd))
        {
            WriteNode(dirFd, name, prefix + name);
        }
    }

    public void WriteNode(int dirFd, string name, string entryName)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        if (_options.Skip?.Invoke(entryName.TrimEnd('/')) == true)
        {
            return;
        }
        var st = FileNodes.Stat(dirFd, name, out var errno);
        if (errno == ENOENT)
        {
            return; // gone since its directory was listed
        }
        if (errno != 0)
        {
            throw LinuxError.ToException(errno, "lstat", entryName);
        }
        var mode = (uint)(ushort)st.st_mode;
        var type = mode & 0xF000;
        if (type == 0x4000)
        {
            WriteDirectory(dirFd, name, entryName, st);
            return;
        }
        if (type == 0x2000 && (ulong)st.st_rdev == 0 && _options.OverlayWhiteouts)
        {
            var slash = entryName.LastIndexOf('/');
            WriteMarker(entryName[..(slash + 1)] + Layers.Whiteouts.Prefix + entryName[(slash + 1)..]);
            return;
        }
        if ((type == 0x2000 && (ulong)st.st_rdev == 0) || type == 0xC000)
        {
            return;
        }
        var key = ((ulong)st.st_dev, (ulong)st.st_ino);
        if ((ulong)st.st_nlink > 1)
        {
            if (_firstNames.TryGetValue(key, out var first))
            {
                var link = NewEntry(TarEntryType.HardLink, entryName, st, dirFd, name);
                link.LinkName = first;
                Write(link);
                return;
            }
            _firstNames[key] = entryName;
        }
        switch (type)
        {
            case 0x8000:
                WriteRegularFile(dirFd, name, entryName, st);
                break;
            case 0xA000:
                var symlink = NewEntry(TarEntryType.SymbolicLink, entryName, st, dirFd, name);
                symlink.LinkName = FileNodes.ReadLink(dirFd, name);
                Write(symlink);
                break;
            case 0x2000 or 0x6000:
                var device = NewEntry(type == 0x2000 ? TarEntryType.CharacterDevice : TarEntryType.BlockDevice, entryName, st, dirFd, name);
                device.DeviceMajor = (int)FileNodes.DeviceMajor((ulong)st.st_rdev);
                device.DeviceMinor = (int)FileNodes.DeviceMinor((ulong)st.st_rdev);
                Write(device);
                break;
            case 0x1000:
                Write(NewEntry(TarEntryType.Fifo, entryName, st, dirFd, name));
                break;
        }
    }

    private void WriteDirectory(int dirFd, string name, string entryName, Tmds.Linux.stat st)
    {
        var directoryName = entryName.EndsWith('/') ? entryName : entryName + "/";
        Write(NewEntry(TarEntryType.Directory, directoryName, st, dirFd, name));
        if (_options.OverlayWhiteouts && Xattrs.GetNoFollow(FileDescriptors.ProcPath(dirFd, name), Layers.Whiteouts.OpaqueXattr) is [(byte)'y'])
        {
            WriteMarker(directoryName + Layers.Whiteouts.OpaqueMarker);
        }
        var child = FileDescriptors.TryOpenDirectoryNoFollow(dirFd, name, out var error);
        if (child < 0)
        {
            if (error == ENOENT) { return; }
            throw LinuxError.ToException(error, "open", entryName);
        }
        try
        {
            WriteChildren(child, directoryName == "./" ? "" : directoryName);
        }
        finally
        {
            FileDescriptors.Close(child);
        }
    }

    private void WriteRegularFile(int dirFd, string name, string entryName, Tmds.Linux.stat st)
    {
        // O_NONBLOCK: if a fifo was swapped in after the lstat, the open must not hang.
        var fd = FileDescriptors.TryOpen(dirFd, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, out var error);
        if (fd < 0)
        {
            if (error == ENOENT) { return; }
            throw LinuxError.ToException(error, "open", entryName);
        }
        try
        {
            var opened = FileNodes.Stat(fd, out error);
            if (error != 0 || FileNodes.KindOf((uint)(ushort)opened.st_mode) != FileNodeKind.RegularFile)
            {
                return; // replaced by something else since the lstat
            }
            var entry = NewEntry(TarEntryType.RegularFile, entryName, opened, dirFd, name);
            // Release before the data, so a large file never sits in memory behind a patched header.
            entry.DataStream = new FileDataStream(fd, (long)opened.st_size, entryName, _output.Release);
            Write(entry);
        }
        finally
        {
            FileDescriptors.Close(fd);
        }
    }

    /// <summary>The entry with its metadata. An xattr value that is not UTF-8 arms the output to patch it in.</summary>
    private PaxTarEntry NewEntry(TarEntryType type, string entryName, Tmds.Linux.stat st, int dirFd, string name)
    {
        var attributes = new Dictionary<string, string>();
        Dictionary<string, byte[]>? binaryValues = null;
        foreach (var (xattr, value) in CarriedXattrs.Read(dirFd, name))
        {
            var key = XattrPrefix + xattr;
            try
            {
                attributes[key] = StrictUtf8.GetString(value);
            }
            catch (DecoderFallbackException)
            {
                attributes[key] = PaxValuePatchingStream.Placeholder(value);
                (binaryValues ??= new())[key] = value;
            }
        }
        var entry = new PaxTarEntry(type, entryName, attributes)
        {
            Mode = (UnixFileMode)((uint)(ushort)st.st_mode & 0xFFF),
            Uid = Owner(st).Uid,
            Gid = Owner(st).Gid,
            ModificationTime = Clamp(DateTimeOffset.FromUnixTimeSeconds(st.st_mtim.tv_sec).AddTicks((long)st.st_mtim.tv_nsec / 100)),
        };
        if (binaryValues is not null)
        {
            _output.Arm(binaryValues);
        }
        return entry;
    }

    private (int Uid, int Gid) Owner(Tmds.Linux.stat st) =>
        _options.MapOwner is { } map ? map((int)(uint)st.st_uid, (int)(uint)st.st_gid) : ((int)(uint)st.st_uid, (int)(uint)st.st_gid);

    private DateTimeOffset Clamp(DateTimeOffset time) => _options.ClampTime is { } clamp && time > clamp ? clamp : time;

    /// <summary>An empty root-owned marker file (a whiteout or the opaque-directory marker), as docker writes them.</summary>
    private void WriteMarker(string entryName)
    {
        var marker = new PaxTarEntry(TarEntryType.RegularFile, entryName)
        {
            Mode = 0,
            Uid = 0,
            Gid = 0,
            ModificationTime = _options.ClampTime ?? DateTimeOffset.UnixEpoch,
        };
        Write(marker);
    }

    private void Write(PaxTarEntry entry)
    {
        _tar.WriteEntry(entry);
        _output.Release();
    }

    public void Dispose()
    {
        _tar.Dispose();
        _output.Flush();
    }
}

/// <summary>How <see cref="TarTreeWriter"/> writes: overlay whiteouts as layer whiteout entries, and a latest mtime (SOURCE_DATE_EPOCH).</summary>
internal sealed record TarTreeOptions(bool OverlayWhiteouts, DateTimeOffset? ClampTime)
{
    /// <summary>Entries (and everything below them) to leave out, by entry name without a trailing slash.</summary>
    public Func<string, bool>? Skip { get; init; }

    /// <summary>Owners on disk into the owners the entries get (a container with a user namespace: its host ids back to its own).</summary>
    public Func<int, int, (int Uid, int Gid)>? MapOwner { get; init; }

    public static readonly TarTreeOptions Default = new(false, null);
}
