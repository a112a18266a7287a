using Tmds.Linux;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>The container root filesystem's overlay mount in the host's mount namespace.</summary>
public static unsafe class OverlayMount
{
    /// <summary>Mounts lowerdir (highest layer first, as overlayfs wants it), upperdir and workdir on <paramref name="target"/>.</summary>
    /// <param name="discardable">
    /// The upper directory is thrown away after this mount (a container removed when its run ends): mount with
    /// overlayfs's <c>volatile</c> (Linux 5.10), as Podman does for <c>run --rm</c>. The overlay then never syncs the
    /// upper filesystem: not on the container's fsync and, above all, not at the unmount, where overlayfs otherwise
    /// syncs the whole upper filesystem (every dirty page of the host's disk, whoever wrote it) on the exit's critical
    /// path. A crash leaves the upper directory marked (work/incompat/volatile) and unmountable, which is fine for a
    /// directory that is deleted anyway. A kernel without the option gets the ordinary mount.
    /// </param>
    public static void Mount(IReadOnlyList<string> lowerHighestFirst, string upper, string work, string target, bool discardable = false)
    {
        if (lowerHighestFirst.Count == 0)
        {
            throw new ArgumentException("An overlay needs at least one lower layer.", nameof(lowerHighestFirst));
        }
        var data = $"lowerdir={string.Join(':', lowerHighestFirst)},upperdir={upper},workdir={work}";
        if (discardable && TryMount(target, data + ",volatile") == 0) return;
        var errno = TryMount(target, data);
        if (errno != 0) throw new SystemCallException("mount overlay", errno, target);
    }

    private static int TryMount(string target, string data)
    {
        fixed (byte* source = FileDescriptors.Zero("overlay"))
        fixed (byte* fsType = FileDescriptors.Zero("overlay"))
        fixed (byte* targetPath = FileDescriptors.Zero(target))
        fixed (byte* options = FileDescriptors.Zero(data))
        {
            return LibC.mount(source, targetPath, fsType, 0, options) == 0 ? 0 : LibC.errno;
        }
    }

    /// <summary>
    /// Unmounts <paramref name="target"/> if something is mounted there (every mount stacked on it); lazily when it is
    /// still busy. umount2 itself says when nothing is left (EINVAL: not a mount point; ENOENT: no such path), so no
    /// mountinfo is read: on the exit's path (ctmon, then the engine's Remove) that read was two-thirds of the cost.
    /// </summary>
    public static void Unmount(string target)
    {
        fixed (byte* path = FileDescriptors.Zero(target))
        {
            while (true)
            {
                if (LibC.umount2(path, UmountNoFollow) == 0) continue;
                var errno = LibC.errno;
                if (errno == Errno.EBUSY && LibC.umount2(path, LibC.MNT_DETACH | UmountNoFollow) == 0) continue;
                if (errno == Errno.EINVAL || errno == Errno.ENOENT) return;
                // Without the privilege to unmount, only what is mounted is an error.
                if (errno == Errno.EPERM && !IsMountPoint(target)) return;
                throw new SystemCallException("umount", errno, target);
            }
        }
    }

    // UMOUNT_NOFOLLOW: a mount point of ours is never a symbolic link; one put there is not followed out of the store.
    private const int UmountNoFollow = 8;

    /// <summary>True when <paramref name="path"/> is a mount point in this process's mount namespace.</summary>
    /// <remarks>
    /// One statx (STATX_ATTR_MOUNT_ROOT, Linux 5.8) where the kernel reports it; else a scan of mountinfo, whose read
    /// costs the kernel a line per mount of the namespace (hundreds on a host that runs many containers).
    /// </remarks>
    public static bool IsMountPoint(string path) => IsMountRoot(path) ?? IsListedMountPoint(path);

    private const int AtSymlinkNoFollow = 0x100, AtNoAutomount = 0x800, StatxType = 0x1;
    private const ulong StatxAttrMountRoot = 0x2000;

    /// <summary>The fields of struct statx read here; the kernel fills 256 bytes.</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [System.Runtime.InteropServices.FieldOffset(8)] public ulong Attributes;
        [System.Runtime.InteropServices.FieldOffset(56)] public ulong AttributesMask;
    }

    [System.Runtime.InteropServices.DllImport(LibcLibrary.Name, SetLastError = true, EntryPoint = "statx")]
    private static extern int statx(int dirFd, byte* path, int flags, uint mask, StatxBuffer* buffer);

    /// <summary>Null when the kernel (or a seccomp filter) does not say.</summary>
    private static bool? IsMountRoot(string path)
    {
        Span<byte> scratch = stackalloc byte[NativeText.ScratchSize];
        StatxBuffer buffer;
        fixed (byte* p = NativeText.Terminate(path, scratch))
        {
            if (statx(FileDescriptors.CurrentDirectory, p, AtSymlinkNoFollow | AtNoAutomount, StatxType, &buffer) != 0)
            {
                var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                return errno is Errno.ENOENT or Errno.ENOTDIR ? false : null;
            }
        }
        if ((buffer.AttributesMask & StatxAttrMountRoot) == 0) return null;
        return (buffer.Attributes & StatxAttrMountRoot) != 0;
    }

    private static bool IsListedMountPoint(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd('/');
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            if (fields.Length > 4 && Unescape(fields[4]) == full) return true;
        }
        return false;
    }

    /// <summary>Mount points at or below <paramref name="directory"/>.</summary>
    public static IReadOnlyList<string> MountsUnder(string directory)
    {
        var full = Path.GetFullPath(directory).TrimEnd('/');
        var mountinfo = WholeFiles.TryRead("/proc/self/mountinfo") ?? [];
        // Every mount point at or below the directory starts with its path as mountinfo writes it: a table without that
        // has none (as at every remove of a container), and is not split into lines and fields.
        if (mountinfo.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(Escape(full))) < 0) return [];
        var prefix = full + "/";
        var mounts = new List<string>();
        foreach (var line in System.Text.Encoding.UTF8.GetString(mountinfo).Split('\n'))
        {
            var fields = line.Split(' ');
            if (fields.Length <= 4) continue;
            var mount = Unescape(fields[4]);
            if (mount.StartsWith(prefix, StringComparison.Ordinal) || mount + "/" == prefix) mounts.Add(mount);
        }
        return mounts;
    }

    // The kernel's mangling of a mount point in mountinfo (seq_path_root with " \t\n\\"): each of those as \ooo.
    private static string Escape(string path) =>
        path.Replace("\\", "\\134").Replace(" ", "\\040").Replace("\t", "\\011").Replace("\n", "\\012");

    // mountinfo escapes space, tab, newline and backslash as \ooo.
    internal static string Unescape(string field)
    {
        if (!field.Contains('\\')) return field;
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length)
            {
                sb.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else sb.Append(field[i]);
        }
        return sb.ToString();
    }
}
