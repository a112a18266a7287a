using Tmds.Linux;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>The namespace kinds a container can have, with their CLONE_NEW* flag and /proc/*/ns name.</summary>
public enum NamespaceKind
{
    Mount,
    Uts,
    Ipc,
    Network,
    Pid,
    Cgroup,
    User,
}

public static class Namespaces
{
    public static readonly NamespaceKind[] All = [NamespaceKind.Mount, NamespaceKind.Uts, NamespaceKind.Ipc, NamespaceKind.Network, NamespaceKind.Pid, NamespaceKind.Cgroup, NamespaceKind.User];

    public const int CloneFs = 0x00000200;

    public static int CloneFlag(NamespaceKind kind) => kind switch
    {
        NamespaceKind.Mount => 0x00020000,
        NamespaceKind.Uts => 0x04000000,
        NamespaceKind.Ipc => 0x08000000,
        NamespaceKind.Network => 0x40000000,
        NamespaceKind.Pid => 0x20000000,
        NamespaceKind.Cgroup => 0x02000000,
        NamespaceKind.User => 0x10000000,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The file name under /proc/PID/ns.</summary>
    public static string ProcName(NamespaceKind kind) => kind switch
    {
        NamespaceKind.Mount => "mnt",
        NamespaceKind.Uts => "uts",
        NamespaceKind.Ipc => "ipc",
        NamespaceKind.Network => "net",
        NamespaceKind.Pid => "pid",
        NamespaceKind.Cgroup => "cgroup",
        NamespaceKind.User => "user",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>runtime-spec linux.namespaces[].type to kind; null when the name is unknown.</summary>
    public static NamespaceKind? FromSpecName(string type) => type switch
    {
        "mount" => NamespaceKind.Mount,
        "uts" => NamespaceKind.Uts,
        "ipc" => NamespaceKind.Ipc,
        "network" => NamespaceKind.Network,
        "pid" => NamespaceKind.Pid,
        "cgroup" => NamespaceKind.Cgroup,
        "user" => NamespaceKind.User,
        _ => null,
    };

    /// <summary>Moves the calling thread into new namespaces (or, for CLONE_NEWPID, its future children).</summary>
    public static void Unshare(int flags) => SystemCallException.Check(LibC.unshare(flags), "unshare");

    /// <summary>Joins the namespace an fd from /proc/PID/ns/* refers to; a mount namespace needs CLONE_FS unshared first.</summary>
    public static void Join(int namespaceFd, NamespaceKind kind) =>
        SystemCallException.Check(LibC.setns(namespaceFd, CloneFlag(kind)), "setns", ProcName(kind));

    /// <summary>
    /// Moves the calling thread into a container's namespaces: an fs_struct of its own first (setns into a mount
    /// namespace is refused while the thread shares its cwd and root with others), then each namespace given by path,
    /// then the new ones (CLONE_NEWPID changes only the namespace of the thread's future children).
    /// </summary>
    public static void Enter(IEnumerable<(NamespaceKind Kind, string Path)> joins, int unshareFlags)
    {
        Unshare(CloneFs);
        foreach (var (kind, path) in joins)
        {
            var fd = FileDescriptors.Open(path, FileDescriptors.ReadOnly);
            try { Join(fd, kind); }
            finally { FileDescriptors.Close(fd); }
        }
        if (unshareFlags != 0) Unshare(unshareFlags);
    }

    /// <summary>Whether the namespace file at <paramref name="path"/> is the calling thread's own namespace of that kind.</summary>
    public static bool IsOwn(NamespaceKind kind, string path)
    {
        int fd = FileDescriptors.Open(path, FileDescriptors.ReadOnly), own = OpenOwn(kind);
        try
        {
            var target = FileNodes.Stat(fd, out var errno);
            if (errno != 0) throw new SystemCallException("fstat", errno, path);
            var mine = FileNodes.Stat(own, out errno);
            if (errno != 0) throw new SystemCallException("fstat", errno, ProcName(kind));
            return target.st_dev == mine.st_dev && target.st_ino == mine.st_ino;
        }
        finally
        {
            FileDescriptors.Close(fd);
            FileDescriptors.Close(own);
        }
    }

    /// <summary>Opens the calling thread's own namespace, so that it can come back after unsharing.</summary>
    public static int OpenOwn(NamespaceKind kind) => FileDescriptors.Open($"/proc/thread-self/ns/{ProcName(kind)}", FileDescriptors.ReadOnly);
}
