using System.Runtime.InteropServices;
using Tmds.Linux;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>mount(2) flags (MS_*).</summary>
[Flags]
public enum MountFlags : ulong
{
    None = 0,
    ReadOnly = 1,
    NoSuid = 2,
    NoDev = 4,
    NoExec = 8,
    Synchronous = 16,
    Remount = 32,
    MandatoryLock = 64,
    DirSync = 128,
    NoAccessTime = 1024,
    NoDirAccessTime = 2048,
    Bind = 4096,
    Move = 8192,
    Recursive = 16384,
    Silent = 32768,
    Unbindable = 1 << 17,
    Private = 1 << 18,
    Slave = 1 << 19,
    Shared = 1 << 20,
    RelativeAccessTime = 1 << 21,
    StrictAccessTime = 1 << 24,
    PropagationMask = Unbindable | Private | Slave | Shared,
}

public static unsafe class Mounts
{
    private const int MntDetach = 2;
    private const int SysPivotRoot = 155;

    public static void Mount(string? source, string target, string? fileSystemType, MountFlags flags, string? data = null)
    {
        using var text = new NativeText();
        var result = LibC.mount(
            source is null ? null : text.String(source),
            text.String(target),
            fileSystemType is null ? null : text.String(fileSystemType),
            (ulong_t)(ulong)flags,
            string.IsNullOrEmpty(data) ? null : text.String(data));
        SystemCallException.Check(result, "mount", $"{fileSystemType ?? source} on {target}");
    }

    /// <summary>Changes propagation only (private, slave, shared, unbindable; with Recursive for the whole tree).</summary>
    public static void SetPropagation(string target, MountFlags propagation) => Mount(null, target, null, propagation);

    public static void Bind(string source, string target, bool recursive = true) =>
        Mount(source, target, null, MountFlags.Bind | (recursive ? MountFlags.Recursive : 0));

    /// <summary>
    /// Re-applies flags to an existing bind mount, keeping the ones it already has (nosuid, nodev, noexec, atime):
    /// a bind remount replaces them all, and the kernel refuses to clear locked ones.
    /// </summary>
    public static void RemountBind(string target, MountFlags flags) =>
        Mount(null, target, null, MountFlags.Remount | MountFlags.Bind | CurrentFlags(target) | flags);

    public static void Unmount(string target, bool detach = false)
    {
        var bytes = FileDescriptors.Zero(target);
        fixed (byte* p = bytes)
            SystemCallException.Check(LibC.umount2(p, detach ? MntDetach : 0), "umount2", target);
    }

    /// <summary>chroot(path): for a container without a mount namespace of its own, where pivot_root would move the caller's root.</summary>
    public static void ChangeRoot(string path)
    {
        var bytes = FileDescriptors.Zero(path);
        fixed (byte* p = bytes)
            SystemCallException.Check(chroot(p), "chroot", path);
    }

    /// <summary>How many mounts sit exactly at <paramref name="path"/> in the caller's namespace (/proc/self/mountinfo).</summary>
    public static int CountAt(string path)
    {
        var count = 0;
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // ID PARENT MAJ:MIN ROOT MOUNTPOINT ...; the mount point escapes space, tab, newline and backslash as \ooo.
            var fields = line.Split(' ', 6);
            if (fields.Length > 4 && Unescape(fields[4]) == path) count++;
        }
        return count;
    }

    private static string Unescape(string field)
    {
        if (!field.Contains('\\')) return field;
        var text = new System.Text.StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                text.Append((char)((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0')));
                i += 3;
            }
            else text.Append(field[i]);
        }
        return text.ToString();
    }

    private static bool IsOctal(string text, int start) =>
        start + 3 <= text.Length && text[start] is >= '0' and <= '7' && text[start + 1] is >= '0' and <= '7' && text[start + 2] is >= '0' and <= '7';

    /// <summary>pivot_root(new, putOld).</summary>
    public static void PivotRoot(string newRoot, string putOld)
    {
        using var text = new NativeText();
        SystemCallException.Check((long)(ssize_t)LibC.syscall(SysPivotRoot, text.String(newRoot), text.String(putOld)), "pivot_root", newRoot);
    }

    /// <summary>The per-mount flags of the mount holding <paramref name="path"/>, as MS_* bits.</summary>
    public static MountFlags CurrentFlags(string path)
    {
        var buffer = stackalloc byte[256]; // struct statfs is 120 bytes on x86-64
        var bytes = FileDescriptors.Zero(path);
        fixed (byte* p = bytes)
            SystemCallException.Check(statfs(p, buffer), "statfs", path);
        var stFlags = *(long*)(buffer + StatfsFlagsOffset);
        var flags = (MountFlags)((ulong)stFlags & (ulong)(MountFlags.ReadOnly | MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec | MountFlags.NoAccessTime | MountFlags.NoDirAccessTime));
        if ((stFlags & StRelatime) != 0) flags |= MountFlags.RelativeAccessTime;
        return flags;
    }

    /// <summary>statfs's f_type of the file system holding <paramref name="path"/> (NSFS_MAGIC for a namespace file).</summary>
    public static long FileSystemType(string path)
    {
        var buffer = stackalloc byte[256];
        var bytes = FileDescriptors.Zero(path);
        fixed (byte* p = bytes)
            SystemCallException.Check(statfs(p, buffer), "statfs", path);
        return *(long*)buffer;
    }

    // struct statfs on x86-64: f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree (7 longs), f_fsid (8), f_namelen, f_frsize, f_flags.
    private const int StatfsFlagsOffset = 7 * 8 + 8 + 8 + 8;
    private const long StRelatime = 4096;

    [DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern int chroot(byte* path);

    [DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern int statfs(byte* path, byte* buffer);
}
