using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Runtime.Containers.Devices;

/// <summary>
/// Host device nodes as runtime-spec devices (ctinit makes them in the container's /dev with the host node's type,
/// numbers, mode and owner) and the device cgroup rules that open them, as Docker resolves --device and --privileged.
/// </summary>
internal static class HostDevices
{
    private const uint TypeMask = 0xF000, BlockDevice = 0x6000, CharDevice = 0x2000, Directory = 0x4000;

    /// <summary>What /dev holds besides device nodes, or what every container has its own of (containerd's list).</summary>
    private static readonly string[] SkippedDirectories = ["pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev"];

    /// <summary>
    /// A privileged container's nodes: every block and character device under the host's /dev but the console and
    /// ptmx (the container's /dev/ptmx is the link to its own devpts instance, as runc leaves it).
    /// </summary>
    public static List<DeviceSpec> All()
    {
        var nodes = new List<DeviceSpec>();
        Walk("/dev", "/dev", topLevel: true, nodes);
        return nodes;
    }

    /// <summary>
    /// The nodes of one -Device mapping: the node itself (a symlink on the host, such as /dev/disk/by-id/..., counts as
    /// the node it names), or every node below a directory; each allowed with the mapping's permissions.
    /// </summary>
    public static (List<DeviceSpec> Nodes, List<DeviceCgroupSpec> Rules) Resolve(DeviceMapping mapping)
    {
        var host = ResolveLink(mapping.PathOnHost);
        var st = FileNodes.Stat(FileDescriptors.CurrentDirectory, host, out var errno);
        var nodes = new List<DeviceSpec>();
        if (errno == 0)
        {
            var type = (uint)(ushort)st.st_mode & TypeMask;
            if (type == Directory) Walk(host, mapping.PathInContainer, topLevel: false, nodes);
            else if (Node(st, mapping.PathInContainer) is { } node) nodes.Add(node);
        }
        if (nodes.Count == 0)
        {
            var reason = errno != 0 ? SystemCallException.Describe(errno) : "not a device node, nor a directory holding any";
            throw new ContainerToolsException(errno == Errno.ENOENT ? ErrorKind.NotFound : ErrorKind.InvalidArgument, "DeviceNotFound",
                $"The device '{mapping.PathOnHost}' cannot be given to the container: {reason}.", mapping.PathOnHost);
        }
        var rules = nodes.Select(node => new DeviceCgroupSpec
        {
            Allow = true, Type = node.Type, Major = node.Major, Minor = node.Minor, Access = mapping.CgroupPermissions,
        }).ToList();
        return (nodes, rules);
    }

    private static void Walk(string hostDirectory, string containerDirectory, bool topLevel, List<DeviceSpec> nodes)
    {
        IEnumerable<string> names;
        try { names = System.IO.Directory.EnumerateFileSystemEntries(hostDirectory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList(); }
        catch (IOException) { return; } // removed meanwhile
        foreach (var name in names)
        {
            var hostPath = Path.Combine(hostDirectory, name);
            var st = FileNodes.Stat(FileDescriptors.CurrentDirectory, hostPath, out var errno);
            if (errno != 0) continue;
            var containerPath = containerDirectory + "/" + name;
            if (((uint)(ushort)st.st_mode & TypeMask) == Directory)
            {
                if (topLevel && SkippedDirectories.Contains(name)) continue;
                Walk(hostPath, containerPath, topLevel: false, nodes);
            }
            else if (!(topLevel && name is "console" or "ptmx") && Node(st, containerPath) is { } node)
            {
                nodes.Add(node);
            }
        }
    }

    private static DeviceSpec? Node(Tmds.Linux.stat st, string containerPath)
    {
        var mode = (uint)(ushort)st.st_mode;
        var type = (mode & TypeMask) switch
        {
            BlockDevice => "b",
            CharDevice => "c",
            _ => null,
        };
        if (type is null) return null;
        var device = (ulong)st.st_rdev;
        return new DeviceSpec
        {
            Path = containerPath,
            Type = type,
            Major = FileNodes.DeviceMajor(device),
            Minor = FileNodes.DeviceMinor(device),
            FileMode = mode & 0xfff,
            Uid = (uint)st.st_uid,
            Gid = (uint)st.st_gid,
        };
    }

    private static string ResolveLink(string path)
    {
        try { return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path; }
        catch (IOException) { return path; }
    }
}
