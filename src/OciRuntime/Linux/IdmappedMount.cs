using System.Runtime.InteropServices;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// Idmapped mounts (Linux 5.12+): a bind of a directory whose files' owners are seen through a user namespace's maps
/// (a file owned by 0 on disk is owned by the namespace's host root through the mount, and writes map back). overlayfs
/// takes such mounts as its lower layers, but cannot itself be idmapped (mount_setattr refuses it with EINVAL on 6.18).
/// </summary>
public static unsafe class IdmappedMount
{
    private const int SysOpenTree = 428, SysMoveMount = 429, SysMountSetattr = 442;
    private const uint OpenTreeClone = 1, OpenTreeCloexec = 0x80000;
    private const uint AtEmptyPath = 0x1000, AtRecursive = 0x8000, MoveMountFEmptyPath = 0x4;
    private const ulong MountAttrIdmap = 0x100000;
    private const int AtFdCwd = -100;

    [StructLayout(LayoutKind.Sequential)]
    private struct MountAttr
    {
        public ulong AttrSet, AttrClr, Propagation, UsernsFd;
    }

    /// <summary>Mounts <paramref name="source"/> on <paramref name="target"/> seen through the user namespace <paramref name="userNamespaceFd"/>.</summary>
    public static void Create(string source, string target, int userNamespaceFd)
    {
        var sourceBytes = FileDescriptors.Zero(source);
        var targetBytes = FileDescriptors.Zero(target);
        byte empty = 0;
        int tree;
        fixed (byte* s = sourceBytes)
            tree = (int)Check(syscall(SysOpenTree, AtFdCwd, (long)s, OpenTreeClone | OpenTreeCloexec, 0, 0), "open_tree", source);
        try
        {
            var attr = new MountAttr { AttrSet = MountAttrIdmap, UsernsFd = (ulong)userNamespaceFd };
            Check(syscall(SysMountSetattr, tree, (long)&empty, AtEmptyPath | AtRecursive, (long)&attr, sizeof(MountAttr)), "mount_setattr(MOUNT_ATTR_IDMAP)", source);
            fixed (byte* t = targetBytes)
                Check(syscall(SysMoveMount, tree, (long)&empty, AtFdCwd, (long)t, MoveMountFEmptyPath), "move_mount", target);
        }
        finally { FileDescriptors.Close(tree); }
    }

    private static long Check(long result, string call, string subject) =>
        result >= 0 ? result : throw new SystemCallException(call, Marshal.GetLastPInvokeError(), subject);

    [DllImport(LibcLibrary.Name, SetLastError = true)]
    private static extern long syscall(long number, long a, long b, long c, long d, long e);
}
