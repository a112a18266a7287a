using ContainerTools.Runtime.Containers;
using ContainerTools.OciRuntime.Events;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Tests.Lifecycle;

/// <summary>The engine side of working inside containers: files of stopped containers, statistics, events.</summary>
public sealed class ContainerOpsTests : IDisposable
{
    private readonly ContainerHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void AFileCopiedIntoACreatedContainerLandsInItsUpperLayerAndTheOverlayIsUnmountedAgain()
    {
        var created = _host.Store.Create(new ContainerCreateOptions { Image = "busybox", Command = ["cat", "/data/note"] });
        var source = Path.Combine(_host.RootPath, "note");
        File.WriteAllText(source, "from the host\n");

        _host.Store.CopyToContainer(created.Id, source, "/data-new");
        _host.Store.CopyToContainer(created.Id, source, "/tmp/");

        Assert.False(OverlayMount.IsMountPoint(created.Paths.MergedDirectory));
        Assert.Equal("from the host\n", File.ReadAllText(Path.Combine(created.Paths.UpperDirectory, "data-new")));
        Assert.Equal("from the host\n", File.ReadAllText(Path.Combine(created.Paths.UpperDirectory, "tmp", "note")));

        // And the container sees it when it runs.
        var run = _host.Store.Create(new ContainerCreateOptions { Image = "busybox", Command = ["cat", "/tmp/note"] });
        _host.Store.CopyToContainer(run.Id, source, "/tmp/note");
        _host.Store.Start(run.Id);
        Assert.Equal(0, _host.Store.Wait(run.Id, TimeSpan.FromSeconds(30)));
        Assert.Equal("from the host\n", _host.Output(run));

        // Out of an exited container: what it wrote is still there.
        var writer = _host.Run("sh", "-c", "echo made inside > /made");
        Assert.Equal(0, _host.Store.Wait(writer.Id, TimeSpan.FromSeconds(30)));
        var copiedOut = Path.Combine(_host.RootPath, "made");
        _host.Store.CopyFromContainer(writer.Id, "/made", copiedOut);
        Assert.Equal("made inside\n", File.ReadAllText(copiedOut));
        Assert.False(OverlayMount.IsMountPoint(writer.Paths.MergedDirectory));
    }

    [Fact]
    public void ARunningContainerExportsWithWhatItWroteAndNoTempFileIsLeft()
    {
        var container = _host.Run("sh", "-c", "echo live > /live; echo ready; sleep 100");
        Assert.True(SpinWait.SpinUntil(() => _host.Output(container).Contains("ready"), TimeSpan.FromSeconds(30)));
        var exportDir = Path.Combine(_host.RootPath, "export");
        Directory.CreateDirectory(exportDir);
        var tarball = Path.Combine(exportDir, "live.tar");
        File.WriteAllText(tarball, "an older archive");

        _host.Store.Export(container.Id, tarball);

        Assert.Equal(["live.tar"], Directory.GetFiles(exportDir).Select(Path.GetFileName));
        using var reader = new System.Formats.Tar.TarReader(File.OpenRead(tarball));
        var names = new List<string>();
        string? live = null;
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
            if (entry.Name == "live") live = new StreamReader(entry.DataStream!).ReadToEnd();
        }
        Assert.Equal("live\n", live);
        Assert.Contains("bin/busybox", names);
        Assert.True(OverlayMount.IsMountPoint(container.Paths.MergedDirectory)); // still the running container's mount

        var missing = Assert.Throws<DirectoryNotFoundException>(() => _host.Store.Export(container.Id, Path.Combine(_host.RootPath, "no", "such", "x.tar")));
        Assert.Contains("no/such", missing.Message);
    }

    [Fact]
    public void EventsOfAShortContainerArriveInOrderWithTheExitCode()
    {
        var container = _host.Run("sh", "-c", "exit 4");
        Assert.Equal(4, _host.Store.Wait(container.Id, TimeSpan.FromSeconds(30)));
        _host.Store.Rename(container.Id, "renamed");
        _host.Store.Remove(container.Id);

        var events = _host.Store.Events.Read().Where(e => e.Id == container.Id).ToList();
        Assert.Equal(["create", "start", "die", "rename", "destroy"], events.Select(e => e.Action));
        Assert.Equal("4", events[2].Attributes["exitCode"]);
        Assert.Equal(container.Name, events[3].Attributes["oldName"]);
        Assert.Equal("renamed", events[4].Name);
        Assert.All(events, e => Assert.Equal("container", e.Type));
        Assert.All(events, e => Assert.Equal("busybox", e.Image));
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.Time <= p.Second.Time));
        Assert.Empty(_host.Store.Events.Read(since: DateTimeOffset.UtcNow.AddMinutes(1)));
    }

    [Fact]
    public void ConcurrentAppendsNeverInterleaveLines()
    {
        var events = new ContainerEvents(Path.Combine(_host.RootPath, "events-test"));
        var big = new string('x', 8000);
        Parallel.For(0, 8, writer =>
        {
            for (var i = 0; i < 50; i++)
            {
                events.Append(new ContainerEvent { Action = "exec", Id = $"{writer}-{i}", Attributes = new() { ["payload"] = big } });
            }
        });
        var read = events.Read();
        Assert.Equal(400, read.Count);
        Assert.Equal(400, File.ReadAllLines(events.Path).Length);
        Assert.All(read, e => Assert.Equal(big, e.Attributes["payload"]));
    }

    [Fact]
    public void FollowWritesEventsAppendedLaterAndEndsAtUntil()
    {
        var events = new ContainerEvents(Path.Combine(_host.RootPath, "events-follow"));
        events.Append(new ContainerEvent { Action = "create", Id = "old" });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var until = DateTimeOffset.UtcNow.AddSeconds(2);
        var follower = Task.Run(() => events.Follow(null, until, stop.Token, TimeSpan.FromMilliseconds(20)).Select(e => e.Id).ToList());
        Thread.Sleep(200);
        events.Append(new ContainerEvent { Action = "start", Id = "new" });
        var seen = follower.Result;
        Assert.Equal(["old", "new"], seen);
        Assert.False(stop.IsCancellationRequested);

        // Cancelled (Ctrl+C), a follow without an end just stops.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        Assert.Equal(2, events.Follow(null, null, cancel.Token, TimeSpan.FromMilliseconds(20)).Count());
    }

    [Fact]
    public void StatisticsOfARunningContainerMoveWithItsMemoryAndCpu()
    {
        // About 20 MB held in a shell variable, and a busy loop on one core.
        var container = _host.Run("sh", "-c", "x=$(head -c 20000000 /dev/zero | tr '\\0' a); echo held; while :; do :; done");
        Assert.True(SpinWait.SpinUntil(() => _host.Output(container).Contains("held"), TimeSpan.FromSeconds(30)), "the container never filled its memory");
        var first = _host.Store.SampleStatistics(container.Id);
        Thread.Sleep(500);
        var second = _host.Store.SampleStatistics(container.Id);
        var statistics = new ContainerStatistics(second, ContainerStatistics.CpuPercentBetween(first, second));

        Assert.Equal(container.Id, second.Id);
        Assert.True(second.MemoryUsageBytes > 15_000_000, $"memory usage {second.MemoryUsageBytes}");
        Assert.True(statistics.CpuPercent > 10, $"cpu {statistics.CpuPercent}%");
        Assert.True(statistics.MemoryPercent > 0);
        Assert.True(second.Pids >= 1);
        Assert.NotNull(second.BlockReadBytes);
        Assert.Equal(0, second.NetworkRxBytes ?? 0); // only loopback in its network namespace
        _host.Store.Stop(container.Id, TimeSpan.FromSeconds(1));
        var stopped = Assert.Throws<ContainerTools.OciRuntime.Errors.ContainerToolsException>(() => _host.Store.SampleStatistics(container.Id));
        Assert.Equal("ContainerNotRunning", stopped.ErrorId);
    }

    [Fact]
    public void NetworkCountersSkipLoopback()
    {
        const string text = "Inter-|   Receive                                                |  Transmit\n" +
            " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n" +
            "    lo:  999999      10    0    0    0     0          0         0   999999      10    0    0    0     0       0          0\n" +
            "  eth0:    1500      12    0    0    0     0          0         0     700       5    0    0    0     0       0          0\n" +
            "  eth1:      10       1    0    0    0     0          0         0      20       1    0    0    0     0       0          0\n";
        Assert.Equal((1510L, 720L), NetworkDevices.Parse(text));
    }
}
