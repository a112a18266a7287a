using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Init;

/// <summary>The device nodes and links every container's fresh /dev gets (runc's default set).</summary>
internal static class ContainerDevices
{
    private const int ENOENT = 2, EEXIST = 17;

    private static readonly (string Name, int Major, int Minor)[] Defaults =
    [
        ("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0),
    ];

    private static readonly (string Link, string Target)[] Links =
    [
        ("/dev/fd", "/proc/self/fd"), ("/dev/stdin", "/proc/self/fd/0"), ("/dev/stdout", "/proc/self/fd/1"),
        ("/dev/stderr", "/proc/self/fd/2"), ("/dev/ptmx", "pts/ptmx"),
    ];

    public static void CreateDefaults()
    {
        foreach (var device in DefaultDevices()) Create(device);
    }

    private static IEnumerable<DeviceSpec> DefaultDevices() =>
        Defaults.Select(d => new DeviceSpec { Path = "/dev/" + d.Name, Type = "c", Major = d.Major, Minor = d.Minor, FileMode = 0x1b6 /* 0666 */, Uid = 0, Gid = 0 });

    /// <summary>
    /// In a user namespace (where mknod is refused): the host's node at the same path, bound onto an empty file in the
    /// container's /dev. Before pivot_root, while the host's /dev is reachable.
    /// </summary>
    public static void BindFromHost(RuntimeSpec spec, string rootfs, bool withDefaults)
    {
        foreach (var device in (withDefaults ? DefaultDevices() : []).Concat(spec.Linux.Devices ?? []))
        {
            if (!device.Path.StartsWith("/dev/")) throw new InitFailure(InitFailure.EINVAL, $"device path must be under /dev: {device.Path}");
            var target = PathInRoot.Resolve(rootfs, device.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!File.Exists(target)) File.WriteAllBytes(target, []);
            Mounts.Bind(device.Path, target, recursive: false);
        }
    }

    public static void Create(DeviceSpec device)
    {
        if (!device.Path.StartsWith("/dev/")) throw new InitFailure(InitFailure.EINVAL, $"device path must be under /dev: {device.Path}");
        // Its directory is almost always /dev itself: made only when the node cannot be.
        if (TryMakeNode(device) == ENOENT)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(device.Path)!);
            TryMakeNode(device, throwIfMissing: true);
        }
    }

    /// <summary>0 when made or already there, ENOENT when its directory is missing (thrown with <paramref name="throwIfMissing"/>).</summary>
    private static int TryMakeNode(DeviceSpec device, bool throwIfMissing = false)
    {
        try
        {
            DeviceNodes.Create(device.Path, device.Type.Length == 1 ? device.Type[0] : '?', device.Major, device.Minor,
                device.FileMode ?? 0x1b6, device.Uid ?? 0, device.Gid ?? 0);
        }
        catch (SystemCallException ex) when (RootFilesystem.IsExists(ex)) { }
        catch (SystemCallException ex) when (ex.Errno == ENOENT && !throwIfMissing) { return ENOENT; }
        return 0;
    }

    public static void CreateLinks()
    {
        // symlink(2) refuses any name already taken (a file, a directory, a dangling link): those are left as they are.
        foreach (var (link, target) in Links)
        {
            var errno = Symlinks.TryCreate(target, link);
            if (errno != 0 && errno != EEXIST) throw new SystemCallException("symlink", errno, link);
        }
    }
}
