using ContainerTools.Runtime.Containers;
using ContainerTools.OciRuntime.Events;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Tests.Lifecycle;

/// <summary>
/// The monitor owns the exit: once a detached container's program exits, ctmon and its ctcleanup release everything
/// with no engine call; reads see the exit without changing anything.
/// </summary>
public sealed class ContainerExitTests : IDisposable
{
    private readonly ContainerHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void ADetachedAutoRemoveContainerIsGoneAfterItsExitWithNoEngineCall()
    {
        var started = _host.Run(new ContainerCreateOptions { Image = "busybox", Command = ["sh", "-c", "sleep 0.3; exit 4"], AutoRemove = true });
        var cgroups = started.State.Cgroup!.Directories.Values.ToList();
        Assert.All(cgroups, d => Assert.True(Directory.Exists(d)));

        // Only the file system is watched from here on: no engine call.
        Assert.True(SpinWait.SpinUntil(() => !Directory.Exists(started.Paths.Directory), TimeSpan.FromSeconds(30)), "the container directory is still there");
        // The destroy event follows the directory's removal.
        SpinWait.SpinUntil(() => _host.Store.Events.Read(null, null).Any(e => e.Id == started.Id && e.Action == ContainerEventActions.Destroy), TimeSpan.FromSeconds(10));

        Assert.Empty(OverlayMount.MountsUnder(_host.RootPath));
        Assert.All(cgroups, d => Assert.False(Directory.Exists(d), d));
        Assert.Empty(_host.Images.Holders(started.Definition.ImageId));
        var events = _host.Store.Events.Read(null, null).Where(e => e.Id == started.Id).Select(e => e.Action).ToList();
        Assert.Equal([ContainerEventActions.Create, ContainerEventActions.Start, ContainerEventActions.Die, ContainerEventActions.Destroy], events);
        Assert.Null(_host.Store.TryResolve(started.Id));
    }

    [Fact]
    public void AnExitedContainerIsSeenExitedByReadsThatChangeNothing()
    {
        var started = _host.Run("sh", "-c", "exit 6");
        Assert.True(SpinWait.SpinUntil(() => File.Exists(started.Paths.ExitFile), TimeSpan.FromSeconds(30)));
        var stateBefore = File.ReadAllBytes(started.Paths.StateFile);

        var seen = _host.Store.Resolve(started.Id);
        var listed = Assert.Single(_host.Store.List(), c => c.Id == started.Id);

        Assert.Equal(ContainerStatus.Exited, seen.Status);
        Assert.Equal(6, seen.State.ExitCode);
        Assert.Equal(6, listed.State.ExitCode);
        Assert.Equal(PendingExit.Recorded, seen.PendingExit);
        Assert.Equal(stateBefore, File.ReadAllBytes(started.Paths.StateFile));
        Assert.Empty(OverlayMount.MountsUnder(started.Paths.Directory));

        Assert.Single(_host.Store.Events.Read(null, null), e => e.Id == started.Id && e.Action == ContainerEventActions.Die);

        // The next write operation records it.
        var restarted = _host.Store.Start(started.Id);
        Assert.Equal(1, restarted.State.RestartCount);
    }

    [Fact]
    public void AnAttachedRunStreamsItsOutputAndExitCodeAndSettlesItsOwnExit()
    {
        var created = _host.Store.Create(new ContainerCreateOptions
        {
            Image = "busybox", AutoRemove = true,
            Command = ["sh", "-c", "seq 1 20000; echo oops >&2; printf partial; exit 3"],
        });

        int? code;
        List<ContainerLogEntry> lines;
        using (var run = _host.Store.StartAttached(created.Id))
        {
            Assert.NotNull(run.Attachment);
            lines = _host.Store.AttachedOutput(run).ToList();
            code = _host.Store.FinishAttached(run);
        }

        Assert.Equal(3, code);
        var stdout = lines.Where(l => l.Stream == "stdout").Select(l => l.Text).ToList();
        Assert.Equal(20001, stdout.Count);
        Assert.Equal("1\n", stdout[0]);
        Assert.Equal("20000\n", stdout[19999]);
        Assert.Equal("partial", stdout[20000]);
        Assert.Equal("oops\n", Assert.Single(lines, l => l.Stream == "stderr").Text);
        // Removed by this call, not by ctcleanup: nothing is left to settle, and the directory is gone already.
        Assert.False(Directory.Exists(created.Paths.Directory));
        Assert.Single(_host.Store.Events.Read(null, null), e => e.Id == created.Id && e.Action == ContainerEventActions.Destroy);
    }
}
