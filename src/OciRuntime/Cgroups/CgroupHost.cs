using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.OciRuntime.Cgroups;

/// <summary>
/// The cgroup filesystem of this machine: where it is mounted, which version it is, and which cgroup the calling
/// process sits in (per controller on v1). Both paths are parameters so tests can point at a fake tree.
/// </summary>
public sealed class CgroupHost
{
    public const string DefaultRoot = "/sys/fs/cgroup";

    public CgroupHost(string root = DefaultRoot, string selfCgroupFile = "/proc/self/cgroup", CgroupVersion? version = null)
    {
        Root = root;
        SelfCgroupFile = selfCgroupFile;
        Version = version ?? DetectVersion(root);
    }

    public string Root { get; }
    public string SelfCgroupFile { get; }
    public CgroupVersion Version { get; }

    public static CgroupHost Default { get; } = new();

    /// <summary>
    /// v2 when the root itself is cgroup2 (it has cgroup.controllers). A hybrid host (v1 controllers plus a
    /// cgroup2 mount at root/unified) is v1: the controllers we need live in the v1 hierarchies.
    /// </summary>
    public static CgroupVersion DetectVersion(string root)
    {
        if (File.Exists(Path.Combine(root, "cgroup.controllers"))) return CgroupVersion.V2;
        if (Directory.Exists(Path.Combine(root, "memory")) || Directory.Exists(Path.Combine(root, "pids"))) return CgroupVersion.V1;
        throw new ContainerToolsException(ErrorIds.CgroupsUnavailable,
            $"No cgroup filesystem found at '{root}' (neither cgroup2 nor v1 controller hierarchies).", root);
    }

    /// <summary>
    /// The calling process's cgroup path (relative to the hierarchy root, starting with '/') for a v1 controller,
    /// or for the unified hierarchy when <paramref name="controller"/> is empty.
    /// </summary>
    public string OwnCgroup(string controller) => OwnCgroup(controller, ReadSelfCgroup());

    /// <summary>The lines of the caller's /proc/self/cgroup, read once for the several controllers of one creation.</summary>
    internal string[] ReadSelfCgroup() =>
        System.Text.Encoding.UTF8.GetString(Linux.WholeFiles.TryRead(SelfCgroupFile) ?? throw new FileNotFoundException($"'{SelfCgroupFile}' does not exist.", SelfCgroupFile))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

    internal static string OwnCgroup(string controller, string[] selfCgroup)
    {
        foreach (var line in selfCgroup)
        {
            var first = line.IndexOf(':');
            var second = line.IndexOf(':', first + 1);
            if (first < 0 || second < 0) continue;
            var controllers = line.Substring(first + 1, second - first - 1);
            var path = line.Substring(second + 1);
            if (controller.Length == 0 ? controllers.Length == 0 : controllers.Split(',').Contains(controller)) return path;
        }
        // A v1 controller the process is not listed in (not mounted at boot): its root.
        return "/";
    }

    /// <summary>The directory of the calling process's own cgroup for a controller (v1) or the unified hierarchy (v2).</summary>
    public string OwnCgroupDirectory(string controller) => OwnCgroupDirectory(controller, ReadSelfCgroup());

    internal string OwnCgroupDirectory(string controller, string[] selfCgroup)
    {
        var mount = Version == CgroupVersion.V2 ? Root : Path.Combine(Root, controller);
        return Path.Combine(mount, OwnCgroup(Version == CgroupVersion.V2 ? "" : controller, selfCgroup).TrimStart('/')).TrimEnd('/');
    }

    /// <summary>The hierarchy root for a controller (v1), or the unified root.</summary>
    public string HierarchyRoot(string controller) => Version == CgroupVersion.V2 ? Root : Path.Combine(Root, controller);
}
