using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Spec;
using ContainerTools.Runtime.Containers.Bundle;

namespace ContainerTools.Tests.Runtime;

/// <summary>
/// The launcher with linux.uidMappings/gidMappings: ctinit's stage makes or joins the user namespace before its runtime
/// has threads, the launcher maps it, and the rest of the container is built as the namespace's root.
/// </summary>
public sealed class UserNamespaceLaunchTests : IDisposable
{
    private readonly BusyboxBundle _bundle = new();

    public UserNamespaceLaunchTests()
    {
        // The container's root is an unprivileged uid on the host: it must be able to pass through to the rootfs.
        File.SetUnixFileMode(_bundle.Root, (UnixFileMode)0x1c9 /* 0711 */);
        File.SetUnixFileMode(_bundle.BundlePath, (UnixFileMode)0x1c9);
        // The rootfs belongs to the host's root, unmapped inside: only a world-writable directory is the container's to write.
        File.SetUnixFileMode(Path.Combine(_bundle.RootfsPath, "tmp"), (UnixFileMode)0x3ff /* 1777 */);
    }

    public void Dispose() => _bundle.Dispose();

    private static IReadOnlyList<IdMappingSpec> Map(uint container, uint host, uint size) => [new IdMappingSpec { ContainerId = container, HostId = host, Size = size }];

    private static RuntimeSpec WithUserNamespace(RuntimeSpec spec, string? path = null, IReadOnlyList<IdMappingSpec>? uids = null, IReadOnlyList<IdMappingSpec>? gids = null) => spec with
    {
        Linux = spec.Linux with
        {
            Namespaces = [.. spec.Linux.Namespaces, new NamespaceSpec { Type = "user", Path = path }],
            UidMappings = path is null ? uids ?? Map(0, 200000, 65536) : null,
            GidMappings = path is null ? gids ?? Map(0, 300000, 65536) : null,
        },
    };

    [Fact]
    public void TheContainerRunsAsRootOfANewUserNamespaceWithTheSpecsMaps()
    {
        var script = "cat /proc/self/uid_map /proc/self/gid_map; echo pid=$$; id -u; touch /tmp/made; ls -ln /bin/busybox; ls -ln /tmp/made; readlink /proc/self/ns/user";
        var result = ContainerRun.Run(_bundle, WithUserNamespace(BusyboxBundle.Shell(script)));

        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
        Assert.True(result.Status.Code == 0 && lines.Count == 7, result.Stdout + result.Stderr);
        Assert.Equal("0 200000 65536", string.Join(' ', lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal("0 300000 65536", string.Join(' ', lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal("pid=1", lines[2]); // the stage forked the init into the new pid namespace
        Assert.Equal("0", lines[3]);
        Assert.Equal("65534:65534", Owner(lines[4])); // the host's root owns the bundle, and is not mapped
        Assert.Equal("0:0", Owner(lines[5])); // what it makes is its own
        Assert.NotEqual(new FileInfo("/proc/self/ns/user").LinkTarget, lines[6]);
        // On the host, the file belongs to the mapped ids.
        var made = Path.Combine(_bundle.RootfsPath, "tmp", "made");
        Assert.Equal("200000:300000", Stat(made));
    }

    [Fact]
    public void TheHostsRootFilesAreNotTheContainerRootsToWrite()
    {
        File.WriteAllText(Path.Combine(_bundle.RootfsPath, "etc", "host-owned"), "x");
        // /proc/sys writable, as far as mounts go: only the user namespace stands in the way of the host's sysrq.
        var spec = WithUserNamespace(BusyboxBundle.Shell("echo y > /etc/host-owned && echo wrote; echo 1 > /proc/sys/kernel/sysrq && echo sysrq"));
        var result = ContainerRun.Run(_bundle, spec with { Linux = spec.Linux with { ReadonlyPaths = null } });

        Assert.DoesNotContain("wrote", result.Stdout);
        Assert.DoesNotContain("sysrq", result.Stdout);
        Assert.Contains("Permission denied", result.Stderr);
    }

    [Fact]
    public void AUserNamespaceGivenByPathIsJoined()
    {
        _bundle.Write(WithUserNamespace(RuntimeSpecDefaults.Create(["true"])));
        using var owner = ContainerLauncher.Create(Request(_bundle));
        var ownerUser = new FileInfo($"/proc/{owner.Pid}/ns/user").LinkTarget;
        using var joiner = new BusyboxBundle();
        File.SetUnixFileMode(joiner.Root, (UnixFileMode)0x1c9);
        File.SetUnixFileMode(joiner.BundlePath, (UnixFileMode)0x1c9);

        var result = ContainerRun.Run(joiner, WithUserNamespace(BusyboxBundle.Shell("readlink /proc/self/ns/user; cat /proc/self/uid_map"), $"/proc/{owner.Pid}/ns/user"));

        Assert.True(result.Status.Code == 0, result.Stderr);
        Assert.StartsWith(ownerUser + "\n", result.Stdout);
        Assert.Contains("200000", result.Stdout);
    }

    [Fact]
    public void TheMapsAreReadFromConfigJson()
    {
        var spec = RuntimeSpecReader.Read("""{"process":{"args":["true"]},"linux":{"uidMappings":[{"containerID":0,"hostID":1000,"size":2}],"gidMappings":[{"containerID":5,"hostID":7,"size":1}]}}"""u8.ToArray());

        Assert.Equal(new IdMappingSpec { ContainerId = 0, HostId = 1000, Size = 2 }, Assert.Single(spec.Linux.UidMappings!));
        Assert.Equal(new IdMappingSpec { ContainerId = 5, HostId = 7, Size = 1 }, Assert.Single(spec.Linux.GidMappings!));
        Assert.Equal("0 1000 2\n", IdMappingSpec.MapText(spec.Linux.UidMappings!));
    }

    [Fact]
    public void ANewUserNamespaceWithoutMapsIsRefused()
    {
        var spec = WithUserNamespace(RuntimeSpecDefaults.Create(["true"])) is var s ? s with { Linux = s.Linux with { GidMappings = null } } : null!;
        _bundle.Write(spec);

        var error = Assert.Throws<ContainerToolsException>(() => ContainerLauncher.Start(Request(_bundle)));

        Assert.Equal("InvalidRuntimeSpec", error.ErrorId);
        Assert.Contains("gidMappings", error.Message);
    }

    [Fact]
    public void MapsTheKernelRefusesAreAClearErrorAndLeaveNoProcess()
    {
        // Two lines mapping the same host ids: the kernel refuses the write.
        _bundle.Write(WithUserNamespace(RuntimeSpecDefaults.Create(["true"]), uids: [.. Map(0, 200000, 10), .. Map(10, 200000, 10)]));

        var error = Assert.Throws<ContainerToolsException>(() => ContainerLauncher.Start(Request(_bundle)));

        Assert.Equal("UserNamespaceMappingFailed", error.ErrorId);
        Assert.Contains("uid_map", error.Message);
    }

    [Fact]
    public void AHeldUserNamespaceHasTheMapsAndNoProcess()
    {
        var fd = UserNamespaceHolder.Create(Map(0, 400000, 1000), Map(0, 500000, 1000), CtInit.Path);
        try
        {
            var link = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
            Assert.StartsWith("user:[", link);
            Assert.NotEqual(new FileInfo("/proc/self/ns/user").LinkTarget, link);
        }
        finally { OciRuntime.Linux.FileDescriptors.Close(fd); }
    }

    private static LaunchRequest Request(BusyboxBundle bundle) => new()
    {
        BundlePath = bundle.BundlePath, StdinFd = 0, StdoutFd = 1, StderrFd = 2, InitPath = CtInit.Path,
    };

    private static string Owner(string lsLine) => lsLine.Split(' ', StringSplitOptions.RemoveEmptyEntries) is var f ? $"{f[2]}:{f[3]}" : "";

    /// <summary>The owner as the host sees it.</summary>
    internal static string Stat(string path)
    {
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%u:%g", path]) { RedirectStandardOutput = true })!;
        var owner = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return owner;
    }
}
