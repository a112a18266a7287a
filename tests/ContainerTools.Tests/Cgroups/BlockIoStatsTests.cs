using ContainerTools.OciRuntime.Cgroups;

namespace ContainerTools.Tests.Cgroups;

/// <summary>Block I/O counters of both cgroup versions, read by the drivers from fake cgroup trees.</summary>
public sealed class BlockIoStatsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ct-fakeio-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void V2SumsReadAndWrittenBytesOfEveryDeviceFromIoStat()
    {
        File.WriteAllText(Path.Combine(_root, "cgroup.controllers"), "cpu io memory pids\n");
        File.WriteAllText(Path.Combine(_root, "cgroup.subtree_control"), "");
        var self = Path.Combine(_root, "self-cgroup");
        File.WriteAllText(self, "0::/\n");
        var cgroup = Cgroup.Create("c1", new CgroupHost(_root, self));
        var dir = Path.Combine(_root, "containertools", "c1");
        Assert.Equal(new BlockIoStats(null, null), cgroup.ReadBlockIo());

        File.WriteAllText(Path.Combine(dir, "io.stat"),
            "8:0 rbytes=4096 wbytes=1000 rios=1 wios=2 dbytes=0 dios=0\n253:1 rbytes=10 wbytes=20 rios=1 wios=1 dbytes=0 dios=0\n");
        Assert.Equal(new BlockIoStats(4106, 1020), cgroup.ReadBlockIo());
    }

    [Fact]
    public void V1JoinsBlkioAndPrefersTheThrottleCounters()
    {
        foreach (var controller in CgroupV1.Controllers) Directory.CreateDirectory(Path.Combine(_root, controller));
        var self = Path.Combine(_root, "self-cgroup");
        File.WriteAllText(self, "7:blkio:/\n6:freezer:/\n4:memory:/session\n2:cpuacct:/\n1:cpu:/\n8:pids:/\n");
        var cgroup = Cgroup.Create("c1", new CgroupHost(_root, self, CgroupVersion.V1));
        var dir = Path.Combine(_root, "blkio", "containertools", "c1");
        Assert.Equal(dir, cgroup.Handle.Directories["blkio"]);
        Assert.Contains(Path.Combine(dir, "cgroup.procs"), cgroup.ProcsFiles);

        File.WriteAllText(Path.Combine(dir, "blkio.io_service_bytes_recursive"), "8:0 Read 1\n8:0 Write 1\nTotal 2\n");
        File.WriteAllText(Path.Combine(dir, "blkio.throttle.io_service_bytes"),
            "8:0 Read 8192\n8:0 Write 512\n8:0 Sync 0\n8:0 Async 8704\n8:0 Total 8704\n8:16 Read 8\n8:16 Write 0\nTotal 8712\n");
        Assert.Equal(new BlockIoStats(8200, 512), cgroup.ReadBlockIo());
    }

    [Fact]
    public void V1WithoutBlkioReportsUnknown()
    {
        foreach (var controller in new[] { "memory", "freezer" }) Directory.CreateDirectory(Path.Combine(_root, controller));
        var self = Path.Combine(_root, "self-cgroup");
        File.WriteAllText(self, "6:freezer:/\n4:memory:/\n");
        var cgroup = Cgroup.Create("c1", new CgroupHost(_root, self, CgroupVersion.V1));
        Assert.Equal(new BlockIoStats(null, null), cgroup.ReadBlockIo());
    }
}
