using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.Exec;
using ContainerTools.Tests.Lifecycle;
using ContainerTools.Tests.Runtime;

namespace ContainerTools.Tests.Confinement;

/// <summary>
/// -UserNamespace auto and -UidMap/-GidMap on real busybox containers, each test with its own store: the container's
/// root is an unprivileged uid on the host (files it makes in a bind mount and in its upper directory belong to the
/// mapped ids), the image's files still look like root's inside (idmapped layers), ranges never collide, exec joins.
/// </summary>
public sealed class UserNamespaceTests : IDisposable
{
    private readonly ContainerHost _host = new();
    private readonly string _bind = Directory.CreateTempSubdirectory("ct-userns-bind-").FullName;

    public UserNamespaceTests()
    {
        // A bind source the container's root may reach and write: the host's own choice, as with Podman.
        File.SetUnixFileMode(_bind, (UnixFileMode)0x1ff /* 0777 */);
        File.WriteAllText(Path.Combine(_bind, "host-owned"), "x");
    }

    public void Dispose()
    {
        _host.Dispose();
        Directory.Delete(_bind, recursive: true);
    }

    private (int Code, string Output, Container Container) Run(string script, string? userNamespace = "auto", IReadOnlyList<string>? uidMap = null)
    {
        var container = _host.Run(new ContainerCreateOptions
        {
            Image = "busybox", Command = ["sh", "-c", script], Network = "none", Volumes = [_bind + ":/bind"],
            UserNamespace = userNamespace, UidMap = uidMap ?? [],
        });
        var code = _host.Store.Wait(container.Id, TimeSpan.FromSeconds(60));
        return (code ?? -1, _host.Output(container).Replace("\r\n", "\n"), _host.Store.Resolve(container.Id));
    }

    private static string Squeeze(string line) => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public void AutoMakesTheContainersRootAnUnprivilegedHostUid()
    {
        var (code, output, container) = Run("cat /proc/self/uid_map; id -u; ls -ln /bin/busybox; touch /bind/made /made-in-upper; (echo y > /bind/host-owned) 2>/dev/null || echo refused");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var maps = container.Definition.UserNamespace!;
        var hostRoot = maps.Uids[0].HostId;

        Assert.True(code == 0, output);
        Assert.Equal("auto", maps.Mode);
        Assert.Equal(65536u, maps.Uids[0].Size);
        Assert.NotEqual(0u, hostRoot);
        Assert.Equal($"0 {hostRoot} 65536", Squeeze(lines[0]));
        Assert.Equal("0", lines[1].Trim());
        // The image's files are root's inside: the layers are idmapped, not copied.
        Assert.Equal("0 0", string.Join(' ', Squeeze(lines[2]).Split(' ')[2..4]));
        Assert.Equal($"{hostRoot}:{maps.Gids[0].HostId}", UserNamespaceLaunchTests.Stat(Path.Combine(_bind, "made")));
        Assert.Equal($"{hostRoot}:{maps.Gids[0].HostId}", UserNamespaceLaunchTests.Stat(Path.Combine(container.Paths.UpperDirectory, "made-in-upper")));
        Assert.Contains("refused", output);
        Assert.Equal("x", File.ReadAllText(Path.Combine(_bind, "host-owned")));
    }

    [Fact]
    public void ANewVolumeBecomesTheContainerRootsToWrite()
    {
        var container = _host.Run(new ContainerCreateOptions
        {
            Image = "busybox", Command = ["sh", "-c", "touch /data/by-root && echo wrote"], Network = "none", Volumes = ["data:/data"], UserNamespace = "auto",
        });
        var code = _host.Store.Wait(container.Id, TimeSpan.FromSeconds(60));
        var maps = _host.Store.Resolve(container.Id).Definition.UserNamespace!;
        var volume = container.Definition.Mounts.Single(m => m.Destination == "/data").Source!;

        Assert.True(code == 0, _host.Output(container));
        Assert.Equal($"{maps.Uids[0].HostId}:{maps.Gids[0].HostId}", UserNamespaceLaunchTests.Stat(Path.Combine(volume, "by-root")));
    }

    [Fact]
    public void AutoRangesNeverCollideAndSizeIsHonoured()
    {
        var first = _host.Store.Create(new ContainerCreateOptions { Image = "busybox", Command = ["true"], UserNamespace = "auto" });
        var second = _host.Store.Create(new ContainerCreateOptions { Image = "busybox", Command = ["true"], UserNamespace = "auto:size=1000" });
        var third = _host.Store.Create(new ContainerCreateOptions { Image = "busybox", Command = ["true"], UserNamespace = "auto" });
        var ranges = new[] { first, second, third }.Select(c => c.Definition.UserNamespace!.Uids[0]).ToList();

        Assert.Equal(1000u, ranges[1].Size);
        for (var i = 0; i < ranges.Count; i++)
            for (var j = i + 1; j < ranges.Count; j++)
                Assert.True(ranges[i].HostId + ranges[i].Size <= ranges[j].HostId || ranges[j].HostId + ranges[j].Size <= ranges[i].HostId, $"{ranges[i]} and {ranges[j]} overlap");
        // A removed container's range is free again.
        _host.Store.Remove(first.Id, force: true);
        var fourth = _host.Store.Create(new ContainerCreateOptions { Image = "busybox", Command = ["true"], UserNamespace = "auto" });
        Assert.Equal(ranges[0].HostId, fourth.Definition.UserNamespace!.Uids[0].HostId);
    }

    [Fact]
    public void UidMapGivesExactlyThoseMapsAndGidMapDefaultsToThem()
    {
        var (code, output, container) = Run("cat /proc/self/uid_map /proc/self/gid_map", userNamespace: null, uidMap: ["0:300000:1000", "1000:400000:10"]);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Squeeze).ToList();

        Assert.True(code == 0, output);
        Assert.Equal(["0 300000 1000", "1000 400000 10", "0 300000 1000", "1000 400000 10"], lines);
        Assert.Equal("private", container.Definition.UserNamespace!.Mode);
    }

    [Theory]
    [InlineData(null, "0:x:10", "InvalidIdMapping")]
    [InlineData(null, "0:100000:0", "InvalidIdMapping")]
    [InlineData(null, "1:100000:10", "InvalidIdMapping")] // the container's root is not mapped
    [InlineData("auto", "0:100000:10", "InvalidUserNamespace")]
    [InlineData("sometimes", null, "InvalidUserNamespace")]
    [InlineData("auto:size=0", null, "InvalidUserNamespace")]
    public void BadUserNamespaceOptionsAreRefusedAtCreate(string? userNamespace, string? uidMap, string errorId)
    {
        var error = Assert.Throws<ContainerToolsException>(() => _host.Store.Create(new ContainerCreateOptions
        {
            Image = "busybox", Command = ["true"], UserNamespace = userNamespace, UidMap = uidMap is null ? [] : [uidMap],
        }));

        Assert.Equal(errorId, error.ErrorId);
        Assert.Empty(_host.Store.List());
    }

    [Fact]
    public void AnExecJoinsTheContainersUserNamespace()
    {
        var container = _host.Run(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "60"], Network = "none", UserNamespace = "auto" });
        var pid = _host.Store.Resolve(container.Id).State.Pid;
        using var process = _host.Store.Exec(container.Id, new ExecOptions { Command = ["sh", "-c", "readlink /proc/self/ns/user; id -u"] });
        var output = new StreamReader(process.StandardOutput).ReadToEnd();
        Assert.Equal(0, process.WaitForExit());

        Assert.Equal($"{new FileInfo($"/proc/{pid}/ns/user").LinkTarget}\n0\n", output.Replace("\r\n", "\n"));
        Assert.NotEqual(new FileInfo("/proc/self/ns/user").LinkTarget, new FileInfo($"/proc/{pid}/ns/user").LinkTarget);
    }

    [Fact]
    public void AFileCopiedInIsTheContainerRoots()
    {
        var container = _host.Run(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "60"], Network = "none", UserNamespace = "auto" });
        var source = Path.Combine(_bind, "copied");
        File.WriteAllText(source, "hello\n");
        _host.Store.CopyToContainer(container.Id, source, "/copied");
        using var process = _host.Store.Exec(container.Id, new ExecOptions { Command = ["sh", "-c", "ls -ln /copied; echo more >> /copied && cat /copied"] });
        var output = new StreamReader(process.StandardOutput).ReadToEnd();
        Assert.Equal(0, process.WaitForExit());

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("0 0", string.Join(' ', Squeeze(lines[0]).Split(' ')[2..4]));
        Assert.Equal(["hello", "more"], lines[1..]);
    }

    [Fact]
    public void AnExportRecordsTheContainersOwnIds()
    {
        var (code, output, container) = Run("touch /made-inside");
        Assert.True(code == 0, output);
        var archive = Path.Combine(_host.RootPath, "export.tar");
        _host.Store.Export(container.Id, archive);

        using var reader = new System.Formats.Tar.TarReader(File.OpenRead(archive));
        var owners = new Dictionary<string, (int, int)>();
        while (reader.GetNextEntry() is { } entry) owners[entry.Name] = (entry.Uid, entry.Gid);

        Assert.Equal((0, 0), owners["bin/busybox"]); // through an idmapped layer: its host root's ids on the mount
        Assert.Equal((0, 0), owners["made-inside"]); // in the upper directory: its host root's ids on disk
    }

    [Fact]
    public void TheHostKeepsOnlyTheOverlayMount()
    {
        var container = _host.Run(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "60"], Network = "none", UserNamespace = "auto" });

        var mounts = OverlayMount.MountsUnder(_host.RootPath);

        Assert.Equal([container.Paths.MergedDirectory], mounts);
        Assert.False(Directory.Exists(Path.Combine(container.Paths.Directory, "idmapped")));
    }
}
