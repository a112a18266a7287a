using System.Diagnostics;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Storage;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Tests.Lifecycle;

/// <summary>Container records on disk: names, ids, resolution, and state recovery after a monitor vanished.</summary>
public sealed class ContainerStateTests : IDisposable
{
    private readonly string _rootPath = Directory.CreateTempSubdirectory("ct-state-").FullName;
    private readonly StoreRoot _root;

    public ContainerStateTests() => _root = new StoreRoot(_rootPath);

    public void Dispose() => Directory.Delete(_rootPath, recursive: true);

    private static Func<string, string, ContainerDefinition> Definition() => (id, name) => new ContainerDefinition
    {
        Id = id,
        Name = name,
        Image = "busybox",
        ImageId = "sha256:" + new string('0', 64),
        Command = ["sh"],
        Hostname = id.Substring(0, 12),
        CreatedAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task TenParallelCreatesWithOneNameLeaveExactlyOne()
    {
        var attempts = Enumerable.Range(0, 10).Select(_ => Task.Run(() =>
        {
            var store = new ContainerStore(_root);
            try
            {
                store.Register(Definition(), "web");
                return null;
            }
            catch (ContainerToolsException ex)
            {
                return ex;
            }
        })).ToList();
        var errors = await Task.WhenAll(attempts);

        Assert.Single(errors, e => e is null);
        Assert.All(errors.OfType<ContainerToolsException>(), e =>
        {
            Assert.Equal(ErrorKind.AlreadyExists, e.Kind);
            Assert.Equal("ContainerNameInUse", e.ErrorId);
        });
        var all = new ContainerStore(_root).List();
        Assert.Equal("web", Assert.Single(all).Name);
    }

    /// <summary>
    /// What a power cut can leave of a file written without fsync (state.json always, container.json of an AutoRemove
    /// container): the new name with no data. Such a file reads as never written, in a fresh store and in one that
    /// had cached the file before, instead of failing every listing with InvalidContainerState.
    /// </summary>
    [Fact]
    public void AnEmptyStateFileReadsAsCreatedAndAnEmptyDefinitionAsAnUnfinishedCreate()
    {
        var cached = new ContainerStore(_root);
        var kept = cached.Register(Definition(), "kept");
        var torn = cached.Register((id, name) => Definition()(id, name) with { AutoRemove = true }, "torn");
        Assert.Equal(2, cached.List().Count);

        File.WriteAllBytes(kept.Paths.StateFile, []);
        File.WriteAllBytes(torn.Paths.DefinitionFile, []);

        foreach (var store in new[] { cached, new ContainerStore(_root) })
        {
            var only = Assert.Single(store.List());
            Assert.Equal(kept.Id, only.Id);
            Assert.Equal(ContainerStatus.Created, only.Status);
            Assert.Null(store.TryResolve(torn.Id));
        }
        Assert.Null(StateFiles.Read(kept.Paths.StateFile, ContainerStateJson.Default.ContainerRuntimeState));
    }

    [Fact]
    public void GivesIdsAndRandomNamesAndResolvesByIdPrefixOrName()
    {
        var store = new ContainerStore(_root);
        var a = store.Register(Definition(), null);
        var b = store.Register(Definition(), "named");

        Assert.True(ContainerNames.IsFullId(a.Id));
        Assert.Matches("^[a-z]+_[a-z]+$", a.Name);
        Assert.Equal(ContainerStatus.Created, a.Status);
        Assert.True(File.Exists(Path.Combine(_root.ContainersDirectory, a.Id, "container.json")));
        // Created is a container without state.json: its first start writes one.
        Assert.False(File.Exists(Path.Combine(_root.ContainersDirectory, a.Id, "state.json")));

        Assert.Equal(a.Id, store.Resolve(a.Id).Id);
        Assert.Equal(a.Id, store.Resolve(a.Name).Id);
        Assert.Equal(b.Id, store.Resolve("named").Id);
        Assert.Equal(b.Id, store.Resolve("/named").Id);
        Assert.Equal(b.Id, store.Resolve(b.Id.Substring(0, 12)).Id);
        var missing = Assert.Throws<ContainerToolsException>(() => store.Resolve("nope"));
        Assert.Equal("ContainerNotFound", missing.ErrorId);
        Assert.Throws<ContainerToolsException>(() => store.Register(Definition(), "bad name!"));
    }

    [Fact]
    public void AnAmbiguousIdPrefixIsAnError()
    {
        var store = new ContainerStore(_root);
        // With 17 containers two must share a first hex digit.
        var ids = Enumerable.Range(0, 17).Select(_ => store.Register(Definition(), null).Id).ToList();
        var shared = ids.GroupBy(id => id[0]).First(g => g.Count() > 1).Key.ToString();
        var ex = Assert.Throws<ContainerToolsException>(() => store.Resolve(shared));
        Assert.Equal("AmbiguousContainerId", ex.ErrorId);
    }

    private static (int Pid, long StartTime) DeadProcess()
    {
        using var process = Process.Start("/bin/true")!;
        var start = ProcStat.StartTime(process.Id) ?? 1;
        process.WaitForExit();
        return (process.Id, start);
    }

    [Fact]
    public void RunningWithADeadMonitorAndNoExitRecordIsReportedExited137()
    {
        var store = new ContainerStore(_root);
        var c = store.Register(Definition(), null);
        var (pid, start) = DeadProcess();
        store.SaveState(c, c.State with { Status = ContainerStatus.Running, MonitorPid = pid, MonitorStartTime = start, StartedAt = DateTimeOffset.UtcNow });

        var seen = new ContainerStore(_root).Resolve(c.Id);

        Assert.Equal(ContainerStatus.Exited, seen.Status);
        Assert.Equal(ContainerTransitions.LostMonitorExitCode, seen.State.ExitCode);
        Assert.NotNull(seen.State.Error);
        Assert.Equal(PendingExit.LostMonitor, seen.PendingExit);
        // A read reports it and changes nothing; the repair (ctcleanup's, or any write operation's) records it.
        Assert.Equal(ContainerStatus.Running, RecordedStatus(c));
        new ContainerStore(_root).CleanupAfterExit(c.Id);
        Assert.Equal(ContainerStatus.Exited, RecordedStatus(c));
        var repaired = new ContainerStore(_root).Resolve(c.Id);
        Assert.Equal(ContainerTransitions.LostMonitorExitCode, repaired.State.ExitCode);
        Assert.Equal(PendingExit.None, repaired.PendingExit);
    }

    private static ContainerStatus RecordedStatus(Container container) =>
        ContainerStateJson.ReadFile(container.Paths.StateFile, ContainerStateJson.Default.ContainerRuntimeState)!.Status;

    [Fact]
    public void AReusedMonitorPidDoesNotLookAlive()
    {
        var store = new ContainerStore(_root);
        var c = store.Register(Definition(), null);
        // Our own pid is alive, but with another start time it is not the monitor we recorded.
        var self = Environment.ProcessId;
        store.SaveState(c, c.State with { Status = ContainerStatus.Running, MonitorPid = self, MonitorStartTime = ProcStat.StartTime(self)!.Value - 1 });
        Assert.Equal(ContainerStatus.Exited, store.Resolve(c.Id).Status);

        var d = store.Register(Definition(), null);
        store.SaveState(d, d.State with { Status = ContainerStatus.Running, MonitorPid = self, MonitorStartTime = ProcStat.StartTime(self)!.Value });
        Assert.Equal(ContainerStatus.Running, store.Resolve(d.Id).Status);
    }

    [Fact]
    public void TheMonitorsExitRecordIsMergedIntoTheState()
    {
        var store = new ContainerStore(_root);
        var c = store.Register(Definition(), null);
        var (pid, start) = DeadProcess();
        store.SaveState(c, c.State with { Status = ContainerStatus.Running, MonitorPid = pid, MonitorStartTime = start });
        var finished = DateTimeOffset.UtcNow;
        ContainerStateJson.WriteFile(c.Paths.ExitFile, new MonitorExitRecord { ExitCode = 3, OomKilled = true, FinishedAt = finished }, ContainerStateJson.Default.MonitorExitRecord);

        var seen = store.Resolve(c.Id);

        Assert.Equal(ContainerStatus.Exited, seen.Status);
        Assert.Equal(3, seen.State.ExitCode);
        Assert.True(seen.State.OomKilled);
        Assert.Equal(finished, seen.State.FinishedAt);
        Assert.Null(seen.State.Error);
    }
}
