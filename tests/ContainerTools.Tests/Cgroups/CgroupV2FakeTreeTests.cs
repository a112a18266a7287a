using System.Text.Json;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Tests.Cgroups;

/// <summary>The v2 driver against a fake cgroupfs in a temp dir: files the kernel would provide are pre-created.</summary>
public sealed class CgroupV2FakeTreeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ct-fakecg-").FullName;
    private readonly string _session;
    private readonly CgroupHost _host;

    public CgroupV2FakeTreeTests()
    {
        File.WriteAllText(Path.Combine(_root, "cgroup.controllers"), "cpuset cpu io memory pids\n");
        File.WriteAllText(Path.Combine(_root, "cgroup.subtree_control"), "");
        _session = Path.Combine(_root, "user.slice", "session-1.scope");
        Directory.CreateDirectory(_session);
        File.WriteAllText(Path.Combine(_session, "cgroup.controllers"), "cpu memory pids\n");
        File.WriteAllText(Path.Combine(_session, "cgroup.subtree_control"), "");
        var self = Path.Combine(_root, "self-cgroup");
        File.WriteAllText(self, "0::/user.slice/session-1.scope\n");
        _host = new CgroupHost(_root, self);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static void Kernel(string dir, string file, string content) => File.WriteAllText(Path.Combine(dir, file), content);

    private static string Read(string dir, string file) => File.ReadAllText(Path.Combine(dir, file));

    private string CreateWithKernelFiles(out Cgroup cgroup)
    {
        cgroup = Cgroup.Create("c1", _host);
        var dir = Path.Combine(_session, "containertools", "c1");
        Assert.True(Directory.Exists(dir));
        foreach (var file in new[] { "memory.max", "cpu.max", "pids.max", "cgroup.freeze", "cgroup.procs", "cgroup.kill" }) Kernel(dir, file, "");
        Kernel(dir, "cgroup.events", "populated 1\nfrozen 0\n");
        Kernel(dir, "memory.events", "low 0\nhigh 0\nmax 7\noom 1\noom_kill 2\n");
        Kernel(dir, "memory.current", "1234\n");
        Kernel(dir, "cpu.stat", "usage_usec 5\nuser_usec 3\n");
        Kernel(dir, "pids.current", "3\n");
        return dir;
    }

    [Fact]
    public void DetectsUnifiedHierarchyAndOwnCgroup()
    {
        Assert.Equal(CgroupVersion.V2, _host.Version);
        Assert.Equal("/user.slice/session-1.scope", _host.OwnCgroup(""));
    }

    [Fact]
    public void HybridHostWithV1ControllersIsV1()
    {
        var hybrid = Path.Combine(_root, "hybrid");
        Directory.CreateDirectory(Path.Combine(hybrid, "memory"));
        Directory.CreateDirectory(Path.Combine(hybrid, "unified"));
        File.WriteAllText(Path.Combine(hybrid, "unified", "cgroup.controllers"), "hugetlb\n");
        Assert.Equal(CgroupVersion.V1, CgroupHost.DetectVersion(hybrid));
    }

    [Fact]
    public void CreatesUnderOwnCgroupEnablesControllersAndWritesLimits()
    {
        var dir = CreateWithKernelFiles(out var cgroup);
        Assert.Equal(Path.Combine(_session, "containertools"), Assert.Single(cgroup.Handle.CreatedParents));
        // The last controller written wins in a plain file; that one write per controller happened is enough here.
        Assert.Equal("+pids", Read(_session, "cgroup.subtree_control"));
        Assert.Equal([Path.Combine(dir, "cgroup.procs")], cgroup.ProcsFiles);

        cgroup.SetLimits(new CgroupLimits { MemoryBytes = 16 << 20, Cpus = 1.5, Pids = 100 });

        Assert.Equal("16777216", Read(dir, "memory.max"));
        Assert.Equal("150000 100000", Read(dir, "cpu.max"));
        Assert.Equal("100", Read(dir, "pids.max"));
    }

    [Fact]
    public void SpecResourcesWriteCpusetAndHugepagesAndRefuseWhatOnlyV1Has()
    {
        File.WriteAllText(Path.Combine(_session, "cgroup.controllers"), "cpuset cpu memory pids hugetlb\n");
        var resources = new ResourcesSpec
        {
            Cpu = new CpuResources { Cpus = "0-1", Mems = "0" },
            HugepageLimits = [new HugepageLimitSpec { PageSize = "2MB", Limit = 1UL << 30 }],
        };
        Assert.Equal(["cpuset", "hugetlb"], SpecResources.Controllers(resources));
        var cgroup = Cgroup.Create("c1", _host, extraControllers: SpecResources.Controllers(resources));
        var dir = Path.Combine(_session, "containertools", "c1");
        foreach (var file in new[] { "cpuset.cpus", "cpuset.mems" }) Kernel(dir, file, "");
        Kernel(dir, "hugetlb.2MB.max", "max\n");
        // The extra controllers are enabled after the usual ones: the last write in this plain file is hugetlb's.
        Assert.Equal("+hugetlb", Read(_session, "cgroup.subtree_control"));

        SpecResources.Apply(cgroup, resources);

        Assert.Equal("0-1", Read(dir, "cpuset.cpus"));
        Assert.Equal("0", Read(dir, "cpuset.mems"));
        Assert.Equal("1073741824", Read(dir, "hugetlb.2MB.max"));
        var noSuchSize = Assert.Throws<ContainerTools.OciRuntime.Errors.ContainerToolsException>(() =>
            SpecResources.Apply(cgroup, new ResourcesSpec { HugepageLimits = [new HugepageLimitSpec { PageSize = "1GB", Limit = 1 }] }));
        Assert.Contains("no 1GB huge pages", noSuchSize.Message);
        var network = Assert.Throws<ContainerTools.OciRuntime.Errors.ContainerToolsException>(() =>
            SpecResources.Apply(cgroup, new ResourcesSpec { Network = new NetworkResources { ClassId = 0x100001 } }));
        Assert.Contains("linux.resources.network (net_cls, net_prio) exists only on cgroup v1", network.Message);
        var realtime = Assert.Throws<ContainerTools.OciRuntime.Errors.ContainerToolsException>(() =>
            SpecResources.Apply(cgroup, new ResourcesSpec { Cpu = new CpuResources { RealtimeRuntime = 950000 } }));
        Assert.Contains("exist only on cgroup v1", realtime.Message);
    }

    [Fact]
    public async Task FreezeWaitsForTheKernelToReportFrozenAndThawForThawed()
    {
        var dir = CreateWithKernelFiles(out var cgroup);
        var flippedToFrozen = false;
        var kernel = Task.Run(() =>
        {
            SpinWait.SpinUntil(() => Read(dir, "cgroup.freeze") == "1", TimeSpan.FromSeconds(10));
            Thread.Sleep(50);
            flippedToFrozen = true;
            Kernel(dir, "cgroup.events", "populated 1\nfrozen 1\n");
        });
        cgroup.Freeze();
        Assert.True(flippedToFrozen);
        Assert.True(cgroup.IsFrozen);
        await kernel;

        var flippedToThawed = false;
        kernel = Task.Run(() =>
        {
            SpinWait.SpinUntil(() => Read(dir, "cgroup.freeze") == "0", TimeSpan.FromSeconds(10));
            Thread.Sleep(50);
            flippedToThawed = true;
            Kernel(dir, "cgroup.events", "populated 1\nfrozen 0\n");
        });
        cgroup.Thaw();
        Assert.True(flippedToThawed);
        Assert.False(cgroup.IsFrozen);
        await kernel;
    }

    [Fact]
    public void ReadsStatsAndOomKills()
    {
        var dir = CreateWithKernelFiles(out var cgroup);
        Kernel(dir, "memory.max", "max\n");
        Assert.Equal(new CgroupStats(1234, null, 5000, 3), cgroup.ReadStats());
        Kernel(dir, "memory.max", "4096\n");
        Assert.Equal(4096, cgroup.ReadStats().MemoryLimitBytes);
        Assert.Equal(2, cgroup.OomKillCount());
    }

    [Fact]
    public void KillAllUsesCgroupKillAndDeleteRemovesWhatItMade()
    {
        var dir = CreateWithKernelFiles(out var cgroup);
        cgroup.KillAll();
        Assert.Equal("1", Read(dir, "cgroup.kill"));

        // Reopen from the persisted handle, as the monitor or a later session would.
        var handle = JsonSerializer.Deserialize<CgroupHandle>(JsonSerializer.Serialize(cgroup.Handle))!;
        var reopened = Cgroup.Open(handle);
        Assert.IsType<CgroupV2>(reopened);
        foreach (var file in Directory.GetFiles(dir)) File.Delete(file); // the kernel's files vanish with the cgroup
        reopened.Delete();
        Assert.False(Directory.Exists(dir));
        Assert.False(Directory.Exists(Path.Combine(_session, "containertools")));
        Assert.True(Directory.Exists(_session));
        reopened.Delete(); // idempotent
    }

    [Fact]
    public void DeviceRulesNeedARealCgroupAndOnesThatRefuseNothingNeedNone()
    {
        CreateWithKernelFiles(out var cgroup);

        // v2 has no device files to write: the rules become a BPF program, which only a cgroup2 directory takes.
        var ex = Assert.Throws<ContainerTools.OciRuntime.Errors.ContainerToolsException>(
            () => cgroup.ApplyDeviceRules(ContainerTools.Runtime.Containers.Bundle.RuntimeSpecDefaults.DeviceRules));
        Assert.Equal("CgroupDeviceFilterFailed", ex.ErrorId);
        Assert.Contains("BPF_PROG_ATTACH", ex.Message);

        cgroup.ApplyDeviceRules(ContainerTools.Runtime.Containers.Bundle.RuntimeSpecDefaults.PrivilegedDeviceRules);
    }

    [Fact]
    public void RefusesAnExistingName()
    {
        Cgroup.Create("dup", _host);
        var ex = Assert.Throws<ContainerTools.OciRuntime.Errors.ContainerToolsException>(() => Cgroup.Create("dup", _host));
        Assert.Equal("CgroupExists", ex.ErrorId);
    }
}
