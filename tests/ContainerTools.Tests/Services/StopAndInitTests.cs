using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.Exec;
using ContainerTools.Tests.Lifecycle;

namespace ContainerTools.Tests.Services;

/// <summary>-StopSignal, -StopTimeout and -Init: how a service is stopped, and who is its PID 1.</summary>
public sealed class StopAndInitTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly ContainerHost _host = new();

    public void Dispose() => _host.Dispose();

    private string Exec(Container container, params string[] command)
    {
        using var process = _host.Store.Exec(container.Id, new ExecOptions { Command = command });
        var output = new StreamReader(process.StandardOutput).ReadToEnd();
        process.WaitForExit();
        return output;
    }

    [Fact]
    public void StopSendsTheContainersStopSignalToItsTrap()
    {
        var container = _host.Run(new ContainerCreateOptions
        {
            Image = "busybox",
            Network = "none",
            StopSignal = "SIGUSR1",
            StopTimeout = TimeSpan.FromSeconds(30),
            Command = ["sh", "-c", "trap 'echo got usr1; exit 7' USR1; echo ready; while true; do sleep 0.1; done"],
        });
        Assert.True(SpinWait.SpinUntil(() => _host.Output(container).Contains("ready"), Patience));

        var stopped = _host.Store.Stop(container.Id);

        // 7, not 137: the trap ran, Stop did not have to SIGKILL.
        Assert.Equal(7, stopped.State.ExitCode);
        Assert.Contains("got usr1", _host.Output(container));
        Assert.Equal(30, stopped.Definition.StopTimeout);
    }

    [Fact]
    public void WithInitTiniIsPid1ReapsZombiesAndPassesSigtermToTheProgram()
    {
        // The inner shell leaves a background sleep to PID 1 and exits; the outer one becomes a sleep that never reaps.
        string[] command = ["sh", "-c", "sh -c 'sleep 0.2 &'; exec sleep 1000"];
        var withInit = _host.Run(new ContainerCreateOptions { Image = "busybox", Network = "none", Init = true, Command = command });
        var without = _host.Run(new ContainerCreateOptions { Image = "busybox", Network = "none", Command = command });
        Thread.Sleep(1500);

        Assert.Equal("docker-init\n", Exec(withInit, "cat", "/proc/1/comm"));
        Assert.Equal("sleep\n", Exec(without, "cat", "/proc/1/comm"));
        const string states = "for s in /proc/[0-9]*/stat; do cut -d' ' -f3 $s; done";
        Assert.DoesNotContain("Z", Exec(withInit, "sh", "-c", states));
        Assert.Contains("Z", Exec(without, "sh", "-c", states)); // the test can fail: without an init the zombie stays

        // sleep as PID 1 would ignore SIGTERM (Stop then SIGKILLs: 137); behind tini it gets it and dies of it: 143.
        Assert.Equal(143, _host.Store.Stop(withInit.Id, TimeSpan.FromSeconds(20)).State.ExitCode);
        Assert.Equal(137, _host.Store.Stop(without.Id, TimeSpan.FromSeconds(1)).State.ExitCode);
    }
}
