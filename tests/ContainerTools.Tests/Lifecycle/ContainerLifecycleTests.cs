using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Tests.Lifecycle;

/// <summary>Real busybox containers through start, stop, limits, freeze, monitor loss and removal.</summary>
public sealed class ContainerLifecycleTests : IDisposable
{
    private readonly ContainerHost _host = new();

    public void Dispose() => _host.Dispose();

    private ContainerStore Store => _host.Store;

    private static bool Eventually(Func<bool> condition) => SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(15));

    [Fact]
    public void StopKillsAContainerThatIgnoresSigtermAfterTheTimeout()
    {
        var container = _host.Run("sh", "-c", "trap '' TERM; echo ready; while true; do sleep 1; done");
        Assert.True(Eventually(() => _host.Output(container).Contains("ready")));

        var stopped = Store.Stop(container.Id, TimeSpan.FromSeconds(1));

        Assert.Equal(ContainerStatus.Exited, stopped.Status);
        Assert.Equal(137, stopped.State.ExitCode);
        Assert.False(ProcStat.StartTime(container.State.Pid).HasValue);
        Assert.False(Cgroup.Open(container.State.Cgroup!).Exists);
        Assert.False(OverlayMount.IsMountPoint(container.Paths.MergedDirectory));
    }

    [Fact]
    public void StopEndsAContainerThatHandlesSigterm()
    {
        var container = _host.Run("sh", "-c", "trap 'echo bye; exit 0' TERM; echo ready; while true; do sleep 0.1; done");
        Assert.True(Eventually(() => _host.Output(container).Contains("ready")));

        var stopped = Store.Stop(container.Id, TimeSpan.FromSeconds(20));

        Assert.Equal(0, stopped.State.ExitCode);
        Assert.Contains("bye", _host.Output(container));
    }

    [Fact]
    public void AMemoryLimitOomKillsAHogAndReportsIt()
    {
        var container = _host.Run(new ContainerCreateOptions
        {
            Image = "busybox",
            Command = ["sh", "-c", "x=a; while true; do x=$x$x; done"],
            Limits = new CgroupLimits { MemoryBytes = 16 << 20 },
        });

        Assert.Equal(137, Store.Wait(container.Id, TimeSpan.FromSeconds(60)));
        var exited = Store.Resolve(container.Id);
        Assert.True(exited.State.OomKilled);
        Assert.Equal(16 << 20, exited.Definition.Limits.MemoryBytes);
    }

    [Fact]
    public void PauseStopsACounterAndResumeRestartsIt()
    {
        var container = _host.Run("sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /tmp/count; done");
        var counter = Path.Combine(container.Paths.MergedDirectory, "tmp", "count");
        long Read()
        {
            for (var i = 0; i < 1000; i++)
            {
                try { if (long.TryParse(File.ReadAllText(counter).Trim(), out var v)) return v; } catch (IOException) { }
                Thread.Sleep(1);
            }
            return 0;
        }
        Assert.True(Eventually(() => File.Exists(counter) && Read() > 0));

        Assert.Equal(ContainerStatus.Paused, Store.Pause(container.Id).Status);
        Assert.Equal(ContainerStatus.Paused, _host.NewStore().Resolve(container.Id).Status);
        var paused = Read();
        Thread.Sleep(300);
        Assert.Equal(paused, Read());

        Assert.Equal(ContainerStatus.Running, Store.Resume(container.Id).Status);
        Assert.True(Eventually(() => Read() > paused));
    }

    [Fact]
    public void ADetachedContainerOutlivesItsStarterAndIsSeenFromAnotherStore()
    {
        var container = _host.Run("sh", "-c", "echo started; while true; do sleep 1; done");
        Assert.True(Eventually(() => _host.Output(container).Contains("started")));

        var other = _host.NewStore();
        var seen = other.Resolve(container.Name);
        Assert.Equal(ContainerStatus.Running, seen.Status);
        var stats = other.Stats(seen.Id);
        Assert.True(stats.MemoryUsageBytes > 0);
        Assert.True(stats.PidsCurrent >= 1);
        Assert.Contains(other.Logs(seen.Id), e => e.Text == "started\n");
        // The monitor runs in its own session and is not our child: it survives this process.
        Assert.True(ProcStat.IsSameProcessAlive(seen.State.MonitorPid, seen.State.MonitorStartTime));
        Assert.NotEqual(Environment.ProcessId, ProcStat.ParentPid(seen.State.MonitorPid));
        Assert.NotEqual(ProcessSession(Environment.ProcessId), ProcessSession(seen.State.MonitorPid));
    }

    private static int ProcessSession(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat.Substring(stat.LastIndexOf(')') + 2).Split(' ')[3]);
    }

    [Fact]
    public void KillingTheMonitorLeavesAConsistentExitedContainer()
    {
        var container = _host.Run("sh", "-c", "echo up; while true; do sleep 1; done");
        Assert.True(Eventually(() => _host.Output(container).Contains("up")));
        var cgroup = Cgroup.Open(container.State.Cgroup!);

        ProcessSignals.TrySend(container.State.MonitorPid, ProcessSignals.SIGKILL);
        Assert.True(Eventually(() => !ProcStat.StartTime(container.State.MonitorPid).HasValue));

        // A read reports the lost monitor and changes nothing; the repair (a write operation, or ctcleanup) cleans up.
        var seen = _host.NewStore().Resolve(container.Id);
        Assert.Equal(ContainerStatus.Exited, seen.Status);
        Assert.Equal(137, seen.State.ExitCode);
        Assert.NotNull(seen.State.Error);
        Assert.True(cgroup.Exists);
        _host.NewStore().CleanupAfterExit(container.Id);
        Assert.Equal(137, _host.NewStore().Resolve(container.Id).State.ExitCode);
        Assert.False(cgroup.Exists);
        Assert.False(ProcStat.StartTime(container.State.Pid).HasValue);
        Assert.False(OverlayMount.IsMountPoint(container.Paths.MergedDirectory));

        // It can run again.
        Assert.Equal(ContainerStatus.Running, Store.Start(container.Id).Status);
    }

    [Fact]
    public void RemoveLeavesNothingBehind()
    {
        var container = _host.Run("sh", "-c", "echo x > /written; while true; do sleep 1; done");
        var cgroup = Cgroup.Open(container.State.Cgroup!);
        Assert.True(cgroup.Exists);
        Assert.Contains(container.Id, _host.Images.Holders(container.Definition.ImageId));

        var refused = Assert.Throws<ContainerToolsException>(() => Store.Remove(container.Id));
        Assert.Equal("ContainerRunning", refused.ErrorId);
        Assert.Equal(ErrorKind.InUse, refused.Kind);

        Store.Remove(container.Id, force: true);

        Assert.Null(Store.TryResolve(container.Id));
        Assert.False(Directory.Exists(container.Paths.Directory));
        Assert.Empty(OverlayMount.MountsUnder(_host.RootPath));
        Assert.False(cgroup.Exists);
        Assert.False(ProcStat.StartTime(container.State.Pid).HasValue);
        Assert.False(ProcStat.StartTime(container.State.MonitorPid).HasValue);
        Assert.DoesNotContain(container.Id, _host.Images.Holders(container.Definition.ImageId));
        Assert.False(File.Exists(Path.Combine(_host.Root.LocksDirectory, $"container-{container.Id}.lock")));
    }

    [Fact]
    public async Task TenParallelCreatesWithOneNameLeaveExactlyOne()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() =>
        {
            try
            {
                _host.NewStore().Create(new ContainerCreateOptions { Image = "busybox", Name = "same", Command = ["true"] });
                return (Exception?)null;
            }
            catch (ContainerToolsException ex) { return ex; }
        })));
        Assert.Single(results, r => r is null);
        Assert.All(results.OfType<ContainerToolsException>(), ex => Assert.Equal("ContainerNameInUse", ex.ErrorId));
        Assert.Single(Store.List());
        Assert.Single(_host.Images.Holders(Store.Resolve("same").Definition.ImageId));
    }

    [Fact]
    public void CreateMergesTheImageConfigLikeDocker()
    {
        var container = Store.Create(new ContainerCreateOptions
        {
            Image = "busybox",
            Env = ["FOO=bar", "PATH=/bin"],
            Labels = new Dictionary<string, string> { ["mine"] = "1" },
        });
        Assert.Equal(["sh"], container.Definition.Command);
        Assert.Empty(container.Definition.Entrypoint);
        Assert.Equal(["PATH=/bin", "FOO=bar"], container.Definition.Env);
        Assert.Equal("1", container.Definition.Labels["mine"]);
        Assert.Equal("default", container.Definition.Labels["test.marker"]);
        Assert.Equal(ContainerStatus.Created, container.Status);
        Assert.True(File.Exists(Path.Combine(container.Paths.BundleDirectory, "config.json")));

        var withEntrypoint = Store.Create(new ContainerCreateOptions { Image = "busybox", Entrypoint = ["echo"] });
        Assert.Equal(["echo"], withEntrypoint.Definition.Args);

        var renamed = Store.Rename(container.Id, "renamed");
        Assert.Equal("renamed", renamed.Name);
        Assert.Equal("ContainerNameInUse", Assert.Throws<ContainerToolsException>(() => Store.Rename(withEntrypoint.Id, "renamed")).ErrorId);
    }

    [Fact]
    public void FollowingLogsStreamsUntilExitAndRestartRunsAgain()
    {
        var container = _host.Run("sh", "-c", "for i in 1 2 3; do echo line$i; sleep 0.2; done");
        var lines = Store.Attach(container.Id).Select(e => e.ToString()).ToList();
        Assert.Equal(["line1", "line2", "line3"], lines);
        Assert.Equal(ContainerStatus.Exited, Store.Resolve(container.Id).Status);

        Assert.Equal(["line3"], Store.Logs(container.Id, new ContainerLogOptions { Tail = 1 }).Select(e => e.ToString()));
        var restarted = Store.Restart(container.Id);
        Assert.Equal(0, Store.Wait(restarted.Id, TimeSpan.FromSeconds(30)));
        Assert.Equal(6, Store.Logs(container.Id).Count());
        Assert.Equal(1, Store.Resolve(container.Id).State.RestartCount);
    }
}
