using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Events;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Containers;
using ContainerTools.Tests.Lifecycle;

namespace ContainerTools.Tests.Services;

/// <summary>Restart policies: ctmon restarts the program itself, with Docker's back-off, until a user stops it.</summary>
public sealed class RestartPolicyTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly ContainerHost _host = new();

    public void Dispose() => _host.Dispose();

    private Container Run(string policy, params string[] command) =>
        _host.Run(new ContainerCreateOptions { Image = "busybox", Command = command, RestartPolicy = policy, Network = "none" });

    private List<ContainerEvent> EventsOf(Container container, string action) =>
        _host.Store.Events.Read().Where(e => e.Id == container.Id && e.Action == action).ToList();

    [Fact]
    public void OnFailureWithAMaximumStopsAfterThatManyRestartsWithTheLastExitCode()
    {
        var container = Run("on-failure:2", "sh", "-c", "echo run; exit 3");

        Assert.Equal(3, _host.Store.Wait(container.Id, Patience));

        var exited = _host.Store.Resolve(container.Id);
        Assert.Equal(2, exited.State.RestartCount);
        Assert.Equal(3, EventsOf(container, "start").Count);
        Assert.All(EventsOf(container, "die"), e => Assert.Equal("3", e.Attributes["exitCode"]));
        Assert.Equal("run\nrun\nrun\n", _host.Output(container));
        Assert.False(OverlayMount.IsMountPoint(container.Paths.MergedDirectory));
    }

    [Fact]
    public void OnFailureDoesNotRestartAProgramThatSucceeded()
    {
        var container = Run("on-failure", "true");
        Assert.Equal(0, _host.Store.Wait(container.Id, Patience));
        Assert.Equal(0, _host.Store.Resolve(container.Id).State.RestartCount);
        Assert.Single(EventsOf(container, "start"));
    }

    [Theory]
    [InlineData("always")]
    [InlineData("unless-stopped")]
    public void APolicyThatAlwaysRestartsBringsBackAKilledProgramAndAStopEndsIt(string policy)
    {
        var container = Run(policy, "sleep", "1000");
        var firstPid = container.State.Pid;

        ProcessSignals.TrySend(firstPid, ProcessSignals.SIGKILL);
        Assert.True(SpinWait.SpinUntil(() => _host.Store.Resolve(container.Id) is { Restarting: false, State.Pid: > 0 } c && c.State.Pid != firstPid, Patience));
        var restarted = _host.Store.Resolve(container.Id);
        Assert.Equal(1, restarted.State.RestartCount);
        Assert.Equal(ContainerTools.OciRuntime.State.ContainerStatus.Running, restarted.Status);
        // The restarted program runs in the same root filesystem and can be entered.
        using (var exec = _host.Store.Exec(container.Id, new ContainerTools.Runtime.Containers.Exec.ExecOptions { Command = ["true"] }))
        {
            Assert.Equal(0, exec.WaitForExit());
        }

        var stopped = _host.Store.Stop(container.Id, TimeSpan.FromSeconds(10));
        Assert.Equal(ContainerTools.OciRuntime.State.ContainerStatus.Exited, stopped.Status);
        Assert.True(stopped.State.StoppedByUser);
        Thread.Sleep(1000);
        var still = _host.Store.Resolve(container.Id);
        Assert.Equal(ContainerTools.OciRuntime.State.ContainerStatus.Exited, still.Status);
        Assert.Equal(2, EventsOf(container, "start").Count);
        Assert.False(OverlayMount.IsMountPoint(container.Paths.MergedDirectory));
    }

    [Fact]
    public void TheBackOffBetweenRestartsGrows()
    {
        var container = Run("on-failure:5", "false");
        Assert.Equal(1, _host.Store.Wait(container.Id, Patience));

        var starts = EventsOf(container, "start");
        var dies = EventsOf(container, "die");
        Assert.Equal(6, starts.Count);
        // The wait between a die and the next start: 100 ms, 200 ms, 400 ms, 800 ms, 1.6 s.
        var waits = dies.Take(5).Zip(starts.Skip(1), (die, start) => start.Time - die.Time).ToList();
        Assert.True(waits.Zip(waits.Skip(1)).All(p => p.Second > p.First), string.Join(", ", waits));
        Assert.True(waits[^1] >= RestartBackoff.Initial * 16, string.Join(", ", waits));
    }

    [Fact]
    public void RemoveForceAndRestartWorkWhileTheMonitorWaitsToRestart()
    {
        // A program that fails at once: by the fifth restart the monitor waits 1.6 s, then 3.2 s, between runs.
        var restartable = Run("always", "false");
        Assert.True(SpinWait.SpinUntil(() => _host.Store.Resolve(restartable.Id) is { Restarting: true, State.RestartCount: >= 5 }, Patience));
        var restarted = _host.Store.Restart(restartable.Id, TimeSpan.FromSeconds(5));
        Assert.Equal(ContainerTools.OciRuntime.State.ContainerStatus.Running, restarted.Status);
        Assert.False(restarted.State.StoppedByUser);

        var removable = Run("always", "false");
        Assert.True(SpinWait.SpinUntil(() => _host.Store.Resolve(removable.Id) is { Restarting: true, State.RestartCount: >= 5 }, Patience));
        _host.Store.Remove(removable.Id, force: true);
        Assert.Null(_host.Store.TryResolve(removable.Id));
        Assert.False(Directory.Exists(removable.Paths.Directory));
    }

    [Fact]
    public void ABadPolicyOrOneWithAutoRemoveIsRefused()
    {
        var bad = Assert.Throws<ContainerToolsException>(() => _host.Store.Create(new ContainerCreateOptions { Image = "busybox", Command = ["true"], RestartPolicy = "sometimes" }));
        Assert.Equal(ErrorIds.InvalidRestartPolicy.Name, bad.ErrorId);
        var count = Assert.Throws<ContainerToolsException>(() => _host.Store.Create(new ContainerCreateOptions { Image = "busybox", Command = ["true"], RestartPolicy = "always:3" }));
        Assert.Equal(ErrorIds.InvalidRestartPolicy.Name, count.ErrorId);
        var rm = Assert.Throws<ContainerToolsException>(() => _host.Store.Create(new ContainerCreateOptions { Image = "busybox", Command = ["true"], RestartPolicy = "always", AutoRemove = true }));
        Assert.Equal(ErrorIds.RestartPolicyWithAutoRemove.Name, rm.ErrorId);
        Assert.Equal(new RestartPolicy { Name = "on-failure", MaximumRetryCount = 4 }, RestartPolicy.Parse("on-failure:4"));
    }
}
