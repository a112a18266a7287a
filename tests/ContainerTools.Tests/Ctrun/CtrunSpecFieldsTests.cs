using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;
using ContainerTools.Tests.Runtime;

namespace ContainerTools.Tests.Ctrun;

/// <summary>
/// The runtime-spec fields ctrun applies beyond the engine's own: unknown capabilities (ignored with runc's warning),
/// personality, a time namespace with offsets, the console size, cpuset, hugepage and network limits. Real containers
/// in busybox bundles, each with its own --root and a cgroup beneath the test's own.
/// </summary>
public sealed class CtrunSpecFieldsTests : CtrunContainerTest
{
    private static RuntimeSpec Shell(string script) => BusyboxBundle.Shell(script);

    [Fact]
    public void AnUnknownCapabilityIsIgnoredWithAWarningAsRuncDoes()
    {
        var spec = Shell("grep CapBnd /proc/self/status");
        var caps = spec.Process.Capabilities!;
        Write(spec with { Process = spec.Process with { Capabilities = caps with { Bounding = [.. caps.Bounding, "CAP_TEST"], Effective = [.. caps.Effective, "CAP_TEST"] } } });

        var result = _ctrun.Run("run", "--bundle", _bundle.BundlePath, _id);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("CapBnd:", result.Stdout);
        Assert.Contains("ignoring unknown or unavailable capabilities: [CAP_TEST]", result.Stderr);
    }

    [Fact]
    public void WithoutAMountNamespaceTheContainerSharesOursAndLeavesNoMountBehind()
    {
        var spec = Shell("readlink /proc/1/ns/mnt; cat /etc/passwd | head -1; exec sleep 60");
        Write(spec with { Linux = spec.Linux with { Namespaces = spec.Linux.Namespaces.Where(ns => ns.Type != "mount").ToList() } });

        _ctrun.Ok("run", "--detach", "--bundle", _bundle.BundlePath, _id);
        var pid = System.Text.Json.JsonDocument.Parse(_ctrun.Ok("state", _id)).RootElement.GetProperty("pid").GetInt32();
        WaitFor(() => File.ReadAllText($"/proc/{pid}/comm").Trim() == "sleep");

        Assert.Equal(new FileInfo("/proc/self/ns/mnt").LinkTarget, new FileInfo($"/proc/{pid}/ns/mnt").LinkTarget);
        // Its root is the bundle's (chroot), with its /proc mounted beneath the rootfs in our namespace.
        Assert.Equal("root:x:0:0:root:/root:/bin/sh", File.ReadAllLines($"/proc/{pid}/root/etc/passwd")[0]);
        Assert.Contains(File.ReadLines("/proc/self/mountinfo"), line => line.Split(' ')[4] == Path.Combine(_bundle.RootfsPath, "proc"));
        var exec = _ctrun.Run("exec", _id, "true");
        Assert.Equal(1, exec.ExitCode);
        Assert.Contains("without a mount namespace", exec.Stderr);

        _ctrun.Ok("delete", "--force", _id);
        Assert.DoesNotContain(File.ReadLines("/proc/self/mountinfo"), line => line.Split(' ')[4].StartsWith(_bundle.RootfsPath, StringComparison.Ordinal));
    }

    private static void WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the container");
            Thread.Sleep(20);
        }
    }

    [Fact]
    public void PersonalityLinux32ReachesTheProgram()
    {
        var spec = Shell("busybox uname -m");
        Write(spec with { Linux = spec.Linux with { Personality = new PersonalitySpec { Domain = "LINUX32" } } });

        Assert.Equal("i686\n", _ctrun.Ok("run", "--bundle", _bundle.BundlePath, _id));

        Write(spec with { Linux = spec.Linux with { Personality = new PersonalitySpec { Domain = "BSD" } } });
        var refused = _ctrun.Run("run", "--bundle", _bundle.BundlePath, _id);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("linux.personality.domain 'BSD' is not LINUX or LINUX32", refused.Stderr);
    }

    [Fact]
    public void TimeOffsetsMoveTheContainersClocksAndAnExecsToo()
    {
        const long year = 365L * 24 * 3600;
        var spec = Shell("exec sleep 60");
        Write(spec with
        {
            Linux = spec.Linux with
            {
                Namespaces = [.. spec.Linux.Namespaces, new NamespaceSpec { Type = "time" }],
                TimeOffsets = new Dictionary<string, TimeOffsetSpec> { ["boottime"] = new() { Secs = year }, ["monotonic"] = new() { Secs = 2 * year } },
            },
        });
        var hostUptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

        _ctrun.Ok("run", "--detach", "--bundle", _bundle.BundlePath, _id);
        var uptime = _ctrun.Ok("exec", _id, "cat", "/proc/uptime");
        var offsets = _ctrun.Ok("exec", _id, "cat", "/proc/1/timens_offsets");

        var inside = double.Parse(uptime.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(inside - hostUptime, year - 60, year + 60);
        Assert.Matches($@"monotonic\s+{2 * year}\s+0\b", offsets);
        Assert.Matches($@"boottime\s+{year}\s+0\b", offsets);
    }

    [Fact]
    public void TimeOffsetsWithoutATimeNamespaceAreRefused()
    {
        var spec = Shell("true");
        Write(spec with { Linux = spec.Linux with { TimeOffsets = new Dictionary<string, TimeOffsetSpec> { ["boottime"] = new() { Secs = 1 } } } });

        var refused = _ctrun.Run("run", "--bundle", _bundle.BundlePath, _id);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("linux.timeOffsets needs a new time namespace", refused.Stderr);
    }

    [Fact]
    public void TheConsoleSizeIsThePtysSize()
    {
        var spec = Shell("exec sleep 60");
        Write(spec with { Process = spec.Process with { Terminal = true, ConsoleSize = new ConsoleSizeSpec { Height = 40, Width = 132 } } });
        // A stream socket, as conmon's and runc's recvtty listen on.
        var socketPath = Path.Combine(_bundle.Root, "console.sock");
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socketPath));
        listener.Listen(1);

        _ctrun.Ok("create", "--console-socket", socketPath, "--bundle", _bundle.BundlePath, _id);

        using var connection = listener.Accept();
        var master = UnixSockets.ReceiveDescriptor((int)connection.Handle);
        try { Assert.Equal(((ushort)132, (ushort)40), PseudoTerminals.GetWindowSize(master)); }
        finally { FileDescriptors.Close(master); }
    }

    [Fact]
    public void CpusetCpusAndMemsAreWrittenAndANewCpusetInheritsItsParents()
    {
        var spec = Shell("exec sleep 60");
        Write(spec with { Linux = spec.Linux with { Resources = new ResourcesSpec { Cpu = new CpuResources { Shares = 512, Cpus = "0", Mems = "0" } } } });

        _ctrun.Ok("create", "--bundle", _bundle.BundlePath, _id);

        var host = CgroupHost.Default;
        var v1 = host.Version == CgroupVersion.V1;
        var cpuset = Path.Combine(host.HierarchyRoot("cpuset"), host.OwnCgroup(v1 ? "memory" : "").TrimStart('/'), CgroupsPath);
        Assert.Equal("0", File.ReadAllText(Path.Combine(cpuset, "cpuset.cpus")).Trim());
        Assert.Equal("0", File.ReadAllText(Path.Combine(cpuset, "cpuset.mems")).Trim());
        if (v1)
        {
            // The parent ctrun made for it has its own parent's CPUs, or nothing could have joined beneath it.
            var parent = Path.GetDirectoryName(cpuset)!;
            Assert.Equal(File.ReadAllText(Path.Combine(Path.GetDirectoryName(parent)!, "cpuset.cpus")).Trim(), File.ReadAllText(Path.Combine(parent, "cpuset.cpus")).Trim());
        }
        var pid = File.ReadAllText(Path.Combine(cpuset, "cgroup.procs")).Trim();
        Assert.NotEmpty(pid);

        _ctrun.Ok("delete", "--force", _id);
        Assert.False(Directory.Exists(cpuset));
    }

    [Fact]
    public void HugepageAndNetworkLimitsNeedTheirControllersAndSayWhichIsMissing()
    {
        var spec = Shell("true");
        Write(spec with { Linux = spec.Linux with { Resources = new ResourcesSpec { HugepageLimits = [new HugepageLimitSpec { PageSize = "2MB", Limit = 1 << 30 }] } } });
        var hugetlb = _ctrun.Run("run", "--bundle", _bundle.BundlePath, _id);
        if (CgroupHost.Default.Version == CgroupVersion.V1 && !Directory.Exists("/sys/fs/cgroup/hugetlb"))
        {
            Assert.Equal(1, hugetlb.ExitCode);
            Assert.Contains("'hugetlb' cgroup controller is not available", hugetlb.Stderr);
        }
        else Assert.Equal(0, hugetlb.ExitCode);

        Write(spec with { Linux = spec.Linux with { Resources = new ResourcesSpec { Network = new NetworkResources { ClassId = 0x100001 } } } });
        var network = _ctrun.Run("run", "--bundle", _bundle.BundlePath, _id);
        if (!Directory.Exists("/sys/fs/cgroup/net_cls"))
        {
            Assert.Equal(1, network.ExitCode);
            Assert.Contains(CgroupHost.Default.Version == CgroupVersion.V1 ? "'net_cls' cgroup controller is not available" : "exists only on cgroup v1", network.Stderr);
        }
        else Assert.Equal(0, network.ExitCode);
        Assert.Equal(1, _ctrun.Run("state", _id).ExitCode);
    }
}
