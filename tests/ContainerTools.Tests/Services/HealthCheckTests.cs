using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.Exec;
using ContainerTools.Runtime.Containers.Services;
using ContainerTools.Runtime.Oci;
using ContainerTools.Tests.Lifecycle;

namespace ContainerTools.Tests.Services;

/// <summary>Health checks: ctmon probes the container, keeps its health and the last results, and acts on failure.</summary>
public sealed class HealthCheckTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly ContainerHost _host = new();

    public void Dispose() => _host.Dispose();

    private void Exec(Container container, params string[] command)
    {
        using var process = _host.Store.Exec(container.Id, new ExecOptions { Command = command });
        Assert.Equal(0, process.WaitForExit());
    }

    private string? HealthOf(Container container) => _host.Store.Resolve(container.Id).Health?.Status;

    /// <summary>A busybox container without a network whose health command runs every 200 ms.</summary>
    private static ContainerCreateOptions Probed(string healthCommand, params string[] command) => new()
    {
        Image = "busybox",
        Network = "none",
        Command = command,
        HealthCommand = healthCommand,
        HealthInterval = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public void AProbeTurnsUnhealthyAfterItsRetriesAndHealthyAgainAfterTheFix()
    {
        var container = _host.Run(new ContainerCreateOptions
        {
            Image = "busybox",
            Network = "none",
            Command = ["sh", "-c", "touch /ready; exec sleep 1000"],
            HealthCommand = "test -e /ready && echo fine",
            HealthInterval = TimeSpan.FromMilliseconds(300),
            HealthRetries = 2,
        });
        Assert.Equal(HealthStatus.Starting, _host.Store.Resolve(container.Id).Health?.Status);
        Assert.Equal(0, _host.Store.Wait(container.Id, Patience, condition: WaitCondition.Healthy));

        Exec(container, "rm", "/ready");
        Assert.True(SpinWait.SpinUntil(() => HealthOf(container) == HealthStatus.Unhealthy, Patience));
        var unhealthy = _host.Store.Resolve(container.Id).Health!;
        Assert.True(unhealthy.FailingStreak >= 2);
        Assert.InRange(unhealthy.Log.Count, 3, 5);
        Assert.NotEqual(0, unhealthy.Log[^1].ExitCode);
        Assert.Contains(unhealthy.Log, r => r.ExitCode == 0 && r.Output == "fine\n");
        // The monitor waits the interval between probes (a lower bound: load only lengthens the gaps).
        Assert.All(unhealthy.Log.Zip(unhealthy.Log.Skip(1)), p => Assert.True(p.Second.Start - p.First.End >= TimeSpan.FromMilliseconds(290), $"{p.First.End:O} -> {p.Second.Start:O}"));
        // The program itself is left alone: -HealthOnFailure is none.
        Assert.Equal(ContainerTools.OciRuntime.State.ContainerStatus.Running, _host.Store.Resolve(container.Id).Status);

        Exec(container, "touch", "/ready");
        Assert.Equal(0, _host.Store.Wait(container.Id, Patience, condition: WaitCondition.Healthy));
        // The monitor records the status (health.json, which Wait reads) just before it appends the event.
        List<string> HealthEvents() => _host.Store.Events.Read().Where(e => e.Id == container.Id && e.Action.StartsWith("health_status", StringComparison.Ordinal)).Select(e => e.Action).ToList();
        SpinWait.SpinUntil(() => HealthEvents().Count >= 3, Patience);
        Assert.Equal(["health_status: healthy", "health_status: unhealthy", "health_status: healthy"], HealthEvents());
    }

    [Fact]
    public void HealthOnFailureRestartRestartsTheProgramAndAStopEndsIt()
    {
        var container = _host.Run(Probed("false", "sleep", "1000") with
        {
            HealthRetries = 1,
            HealthOnFailure = "restart",
        });
        Assert.True(SpinWait.SpinUntil(() => _host.Store.Resolve(container.Id).State.RestartCount >= 1, Patience));
        Assert.Equal("no", _host.Store.Resolve(container.Id).Definition.RestartPolicy.Name);

        var stopped = _host.Store.Stop(container.Id, TimeSpan.FromSeconds(2));
        Assert.Equal(ContainerTools.OciRuntime.State.ContainerStatus.Exited, stopped.Status);
        Thread.Sleep(500);
        Assert.Equal(ContainerTools.OciRuntime.State.ContainerStatus.Exited, _host.Store.Resolve(container.Id).Status);
    }

    [Fact]
    public void HealthOnFailureKillLeavesTheRestToTheRestartPolicy()
    {
        var container = _host.Run(Probed("false", "sleep", "1000") with
        {
            RestartPolicy = "on-failure:1",
            HealthRetries = 1,
            HealthOnFailure = "kill",
        });
        // Killed (137), restarted once by on-failure:1, killed again, and then left down.
        Assert.Equal(137, _host.Store.Wait(container.Id, Patience));
        var exited = _host.Store.Resolve(container.Id);
        Assert.Equal(ContainerTools.OciRuntime.State.ContainerStatus.Exited, exited.Status);
        Assert.Equal(1, exited.State.RestartCount);
        Assert.False(exited.State.StoppedByUser);
    }

    [Fact]
    public void HealthOnFailureStopSendsTheStopSignalAndNoPolicyBringsItBack()
    {
        var container = _host.Run(Probed("false", "sh", "-c", "trap 'echo got-term; exit 7' TERM; while true; do sleep 0.1; done") with
        {
            RestartPolicy = "always",
            HealthRetries = 2,
            HealthOnFailure = "stop",
        });
        Assert.Equal(7, _host.Store.Wait(container.Id, Patience));
        Assert.Equal("got-term\n", _host.Output(container));
        // Give an always policy the time to restart it, as it would after a kill: it must not.
        Thread.Sleep(1000);
        var stopped = _host.Store.Resolve(container.Id);
        Assert.Equal(ContainerTools.OciRuntime.State.ContainerStatus.Exited, stopped.Status);
        Assert.Equal(0, stopped.State.RestartCount);
        Assert.Equal(7, stopped.State.ExitCode);
    }

    [Fact]
    public void FailuresDuringTheStartPeriodDoNotCount()
    {
        var container = _host.Run(Probed("test -e /ready", "sh", "-c", "sleep 3; touch /ready; exec sleep 1000") with
        {
            HealthRetries = 1,
            HealthStartPeriod = TimeSpan.FromSeconds(60),
        });
        // One failure would make it unhealthy (retries 1); in the start period it stays starting until the first pass.
        Assert.Equal(0, _host.Store.Wait(container.Id, Patience, condition: WaitCondition.Healthy));
        var health = _host.Store.Resolve(container.Id).Health!;
        Assert.Contains(health.Log, r => r.ExitCode == 1);
        Assert.Equal(0, health.FailingStreak);
        var actions = _host.Store.Events.Read().Where(e => e.Id == container.Id && e.Action.StartsWith("health_status", StringComparison.Ordinal)).Select(e => e.Action).ToList();
        Assert.Equal(["health_status: healthy"], actions);

        // Once healthy, a failure counts even inside the start period (Docker's rule).
        Exec(container, "rm", "/ready");
        Assert.True(SpinWait.SpinUntil(() => HealthOf(container) == HealthStatus.Unhealthy, Patience));
    }

    [Fact]
    public void APausedContainerIsNotProbed()
    {
        var container = _host.Run(Probed("test ! -e /fail", "sleep", "1000") with
        {
            HealthTimeout = TimeSpan.FromMilliseconds(500),
            HealthRetries = 2,
        });
        Assert.Equal(0, _host.Store.Wait(container.Id, Patience, condition: WaitCondition.Healthy));
        _host.Store.Pause(container.Id);
        var pausedAt = DateTimeOffset.UtcNow;
        // Written from the host into the (frozen) container's root: a probe that ran now would fail, and time out.
        File.WriteAllText(Path.Combine(container.Paths.MergedDirectory, "fail"), "");
        Thread.Sleep(2000); // ten intervals, four timeouts
        var paused = _host.Store.Resolve(container.Id);
        Assert.Equal(ContainerTools.OciRuntime.State.ContainerStatus.Paused, paused.Status);
        Assert.Equal(HealthStatus.Healthy, paused.Health!.Status);
        Assert.Equal(0, paused.Health.FailingStreak);
        Assert.All(paused.Health.Log, r => Assert.True(r.Start < pausedAt, $"a probe started at {r.Start:O}, after the pause at {pausedAt:O}"));

        // Resumed, the probes come back and see the file. None of them began while it was paused: a probe caught by
        // the pause (hanging in the frozen cgroup until its timeout) is dropped, not recorded as a timeout.
        var resumedAt = DateTimeOffset.UtcNow;
        _host.Store.Resume(container.Id);
        Assert.True(SpinWait.SpinUntil(() => HealthOf(container) == HealthStatus.Unhealthy, Patience));
        var resumed = _host.Store.Resolve(container.Id).Health!;
        Assert.All(resumed.Log, r => Assert.True(r.Start < pausedAt || r.Start >= resumedAt, $"a probe started at {r.Start:O}, while paused ({pausedAt:O} - {resumedAt:O}): {r.ExitCode} {r.Output}"));
        Assert.All(resumed.Log, r => Assert.NotEqual(-1, r.ExitCode));
        Assert.Equal(1, resumed.Log[^1].ExitCode);
    }

    [Fact]
    public void TheImagesHealthcheckAppliesUnlessReplacedOrTurnedOff()
    {
        var image = new HealthcheckConfig { Test = ["CMD-SHELL", "curl -f localhost"], Interval = 5_000_000_000, Retries = 7 };
        var fromImage = HealthCheckMerge.Merge(new ContainerCreateOptions { Image = "x" }, image)!;
        Assert.Equal(["CMD-SHELL", "curl -f localhost"], fromImage.Test);
        Assert.Equal(TimeSpan.FromSeconds(5), fromImage.Interval);
        Assert.Equal(HealthCheck.DefaultTimeout, fromImage.Timeout);
        Assert.Equal(7, fromImage.Retries);
        Assert.Equal(["/bin/sh", "-c", "curl -f localhost"], fromImage.Argv);

        var replaced = HealthCheckMerge.Merge(new ContainerCreateOptions { Image = "x", HealthCommand = "true", HealthRetries = 2 }, image)!;
        Assert.Equal(["CMD-SHELL", "true"], replaced.Test);
        Assert.Equal(2, replaced.Retries);
        Assert.Null(HealthCheckMerge.Merge(new ContainerCreateOptions { Image = "x", NoHealthcheck = true }, image));
        Assert.Null(HealthCheckMerge.Merge(new ContainerCreateOptions { Image = "x" }, new HealthcheckConfig { Test = ["NONE"] }));
        var bad = Assert.Throws<ContainerToolsException>(() => HealthCheckMerge.Merge(new ContainerCreateOptions { Image = "x", HealthCommand = "true", HealthOnFailure = "panic" }, null));
        Assert.Equal(ErrorIds.InvalidHealthCheck.Name, bad.ErrorId);
    }

    [Theory]
    [InlineData("1s", 1000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5s", 1500)]
    public void DockerDurationsParse(string text, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), DockerDuration.Parse(text, "interval"));
    }

    [Fact]
    public void ABadDurationIsRefused()
    {
        Assert.False(DockerDuration.TryParse("5 parsecs", out _));
        Assert.Equal(ErrorIds.InvalidDuration.Name, Assert.Throws<ContainerToolsException>(() => DockerDuration.Parse("1x", "interval")).ErrorId);
    }
}
