using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Init;

/// <summary>The device nodes and links every container's fresh /dev gets (runc's default set).</summary>
internal static class ContainerDevices
{
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
        foreach (var (name, major, minor) in Defaults)
            Create(new DeviceSpec { Path = "/dev/" + name, Type = "c", Major = major, Minor = minor, FileMode = 0x1b6 /* 0666 */, Uid = 0, Gid = 0 });
    }

    public static void Create(DeviceSpec device)
    {
        if (!device.Path.StartsWith("/dev/")) throw new InitFailure(InitFailure.EINVAL, $"device path must be under /dev: {device.Path}");
        Directory.CreateDirectory(Path.GetDirectoryName(device.Path)!);
        try
        {
            DeviceNodes.Create(device.Path, device.Type.Length == 1 ? device.Type[0] : '?', device.Major, device.Minor,
                device.FileMode ?? 0x1b6, device.Uid ?? 0, device.Gid ?? 0);
        }
        catch (SystemCallException ex) when (RootFilesystem.IsExists(ex)) { }
    }

    public static void CreateLinks()
    {
        foreach (var (link, target) in Links)
        {
            if (File.Exists(link) || Directory.Exists(link) || new FileInfo(link).LinkTarget is not null) continue;
            File.CreateSymbolicLink(link, target);
        }
    }
}
