using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;
using ContainerTools.Runtime.Containers.Bundle;

namespace ContainerTools.Tests.Runtime;

/// <summary>
/// ContainerLauncher.SpawnEarlyCreate: a new container's ctinit spawned before its bundle, root mount and cgroup exist,
/// born in a new pid namespace only, which enters the spec's other namespaces itself once the launcher continues it.
/// </summary>
public sealed class ContainerLaunchEarlyCreateTests : IDisposable
{
    private static readonly string[] OwnKinds = ["mnt", "net", "uts", "ipc", "pid"];

    private readonly string _root = Directory.CreateTempSubdirectory("ct-early-").FullName;
    private readonly BusyboxBundle _image = new();
    private readonly int _output;

    public ContainerLaunchEarlyCreateTests()
    {
        _output = FileDescriptors.Open(OutputPath, 0x41 /* O_WRONLY|O_CREAT */, 0x1a4);
    }

    private string BundlePath => Path.Combine(_root, "bundle");
    private string RootfsPath => Path.Combine(BundlePath, "rootfs");
    private string OutputPath => Path.Combine(_root, "output");

    public void Dispose()
    {
        FileDescriptors.Close(_output);
        if (Directory.Exists(RootfsPath) && OverlayMount.IsMountPoint(RootfsPath)) Mounts.Unmount(RootfsPath, detach: true);
        Directory.Delete(_root, recursive: true);
        _image.Dispose();
    }

    [Fact]
    public void AnEarlyCreateContinuedAfterItsRootAndCgroupWereMadeRunsInItsOwnNamespaces()
    {
        // Spawned before the bundle directory exists: it reads nothing until the go.
        using var early = ContainerLauncher.SpawnEarlyCreate(Request());
        // Born in a new pid namespace and in no other.
        Assert.NotEqual(Namespace("self", "pid"), Namespace(early.Pid, "pid"));
        foreach (var kind in new[] { "mnt", "net", "uts", "ipc" }) Assert.Equal(Namespace("self", kind), Namespace(early.Pid, kind));

        // The caller's work after the spawn: the root mount, config.json, the cgroup.
        File.WriteAllText(Path.Combine(_image.RootfsPath, "marker"), "the mounted root\n");
        Directory.CreateDirectory(RootfsPath);
        Mounts.Bind(_image.RootfsPath, RootfsPath, recursive: false);
        BundleWriter.Write(BundlePath, BusyboxBundle.Shell("cat /marker; hostname; echo pid=$$", hostname: "early-one"));
        using var cgroup = TestCgroup.Create();

        using var created = ContainerLauncher.Create(Request() with { CgroupJoinFiles = [cgroup.JoinFile] }, early);

        Assert.Equal(early.Pid, created.Pid);
        foreach (var kind in OwnKinds) Assert.NotEqual(Namespace("self", kind), Namespace(created.Pid, kind));
        // The pid namespace is still the one it was born in.
        Assert.Equal(Namespace(early.Pid, "pid"), Namespace(created.Pid, "pid"));
        Assert.Contains(created.Pid.ToString(), File.ReadAllLines(cgroup.JoinFile));
        var started = created.Start();
        Assert.Equal(0, ProcessWait.Wait(started.Pid).Code);
        Assert.Equal(["the mounted root", "early-one", "pid=1"], File.ReadAllLines(OutputPath));
    }

    [Theory]
    [InlineData("user namespace")]
    [InlineData("joined pid namespace")]
    [InlineData("host pid namespace")]
    public void ASpecThatDoesNotFitEndsTheEarlyInitAndStillStarts(string what)
    {
        using var owner = new BusyboxBundle();
        owner.Write(RuntimeSpecDefaults.Create(["true"]));
        using var pidOwner = ContainerLauncher.Create(new LaunchRequest { BundlePath = owner.BundlePath, StdinFd = 0, StdoutFd = 1, StderrFd = 2, InitPath = CtInit.Path });
        using var early = ContainerLauncher.SpawnEarlyCreate(Request());
        var spec = BusyboxBundle.Shell("echo ran");
        var namespaces = what switch
        {
            "user namespace" => [.. spec.Linux.Namespaces, new NamespaceSpec { Type = "user" }],
            "joined pid namespace" => spec.Linux.Namespaces.Select(ns => ns.Type == "pid" ? ns with { Path = $"/proc/{pidOwner.Pid}/ns/pid" } : ns).ToList(),
            _ => spec.Linux.Namespaces.Where(ns => ns.Type != "pid").ToList(),
        };
        spec = spec with
        {
            Linux = spec.Linux with
            {
                Namespaces = namespaces,
                UidMappings = what == "user namespace" ? [new IdMappingSpec { ContainerId = 0, HostId = 0, Size = 65536 }] : null,
                GidMappings = what == "user namespace" ? [new IdMappingSpec { ContainerId = 0, HostId = 0, Size = 65536 }] : null,
            },
        };
        WriteBundle(spec);

        var started = ContainerLauncher.Start(Request(), early);

        Assert.NotEqual(early.Pid, started.Pid);
        // Ended on its closed gate and reaped (a zombie would keep /proc/PID).
        Assert.False(Directory.Exists($"/proc/{early.Pid}"));
        Assert.Equal(0, ProcessWait.Wait(started.Pid).Code);
        Assert.Equal(["ran"], File.ReadAllLines(OutputPath));
    }

    [Fact]
    public void TheHostsNetworkNamespaceFits()
    {
        using var early = ContainerLauncher.SpawnEarlyCreate(Request());
        var spec = BusyboxBundle.Shell("readlink /proc/self/ns/net; readlink /proc/self/ns/uts");
        spec = spec with { Linux = spec.Linux with { Namespaces = spec.Linux.Namespaces.Where(ns => ns.Type != "network").ToList() } };
        WriteBundle(spec);

        var started = ContainerLauncher.Start(Request(), early);

        Assert.Equal(early.Pid, started.Pid);
        Assert.Equal(0, ProcessWait.Wait(started.Pid).Code);
        var lines = File.ReadAllLines(OutputPath);
        Assert.Equal(Namespace("self", "net"), lines[0]);
        Assert.NotEqual(Namespace("self", "uts"), lines[1]);
    }

    [Fact]
    public void ANetworkNamespaceGivenByPathIsJoined()
    {
        // As the engine's bridge networks do: a namespace kept by a bind mount of its file, made before the container.
        var netns = Path.Combine(_root, "netns");
        NetworkNamespaceFile.Create(netns);
        try
        {
            using var early = ContainerLauncher.SpawnEarlyCreate(Request());
            var spec = BusyboxBundle.Shell("readlink /proc/self/ns/net");
            spec = spec with
            {
                Linux = spec.Linux with { Namespaces = spec.Linux.Namespaces.Select(ns => ns.Type == "network" ? ns with { Path = netns } : ns).ToList() },
            };
            WriteBundle(spec);

            var started = ContainerLauncher.Start(Request(), early);

            Assert.Equal(early.Pid, started.Pid);
            Assert.Equal(0, ProcessWait.Wait(started.Pid).Code);
            Assert.Equal($"net:[{Inode(netns)}]", File.ReadAllText(OutputPath).Trim());
        }
        finally { NetworkNamespaceFile.Remove(netns); }
    }

    [Fact]
    public void DisposingAnEarlyCreateWithoutContinuingLeavesNoProcess()
    {
        var early = ContainerLauncher.SpawnEarlyCreate(Request());

        early.Dispose();

        Assert.False(Directory.Exists($"/proc/{early.Pid}"));
    }

    [Fact]
    public void AFailureAfterTheGoIsReportedAndReaped()
    {
        using var early = ContainerLauncher.SpawnEarlyCreate(Request());
        // No rootfs: ctinit, continued, fails at its mounts.
        Directory.CreateDirectory(BundlePath);
        BundleWriter.Write(BundlePath, BusyboxBundle.Shell("true"));

        var error = Assert.Throws<ContainerTools.OciRuntime.Errors.ContainerToolsException>(() => ContainerLauncher.Start(Request(), early));

        Assert.Equal("ContainerStartFailed", error.ErrorId);
        Assert.Contains("rootfs", error.Message);
        Assert.False(Directory.Exists($"/proc/{early.Pid}"));
    }

    private void WriteBundle(RuntimeSpec spec)
    {
        Directory.CreateDirectory(RootfsPath);
        Mounts.Bind(_image.RootfsPath, RootfsPath, recursive: false);
        BundleWriter.Write(BundlePath, spec);
    }

    private LaunchRequest Request() => new()
    {
        BundlePath = BundlePath, StdinFd = 0, StdoutFd = _output, StderrFd = _output, InitPath = CtInit.Path,
    };

    private static string? Namespace(object pid, string kind) => new FileInfo($"/proc/{pid}/ns/{kind}").LinkTarget;

    private static ulong Inode(string path)
    {
        var fd = FileDescriptors.Open(path, FileDescriptors.ReadOnly);
        try { return FileNodes.Stat(fd, out _).st_ino; }
        finally { FileDescriptors.Close(fd); }
    }
}
