using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Containers;
using ContainerTools.Tests.Build;

namespace ContainerTools.Tests.Services;

/// <summary>An image built from a Dockerfile with HEALTHCHECK and STOPSIGNAL: its containers take both by default.</summary>
public sealed class ImageServiceDefaultsTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly BuildHost _build = new();

    public void Dispose() => _build.Dispose();

    private ContainerStore Store => _build.Host.Store;

    [Fact]
    public void ABuiltImagesHealthcheckAndStopSignalApplyAndNoHealthcheckTurnsTheCheckOff()
    {
        var image = _build.Build("""
            FROM busybox
            STOPSIGNAL SIGUSR1
            HEALTHCHECK --interval=200ms --timeout=5s --retries=1 CMD test -e /ready && echo ready
            CMD ["sh", "-c", "trap 'echo got-usr1; exit 3' USR1; touch /ready; while true; do sleep 0.1; done"]
            """);

        var checkedOne = Store.Create(new ContainerCreateOptions { Image = image.Id, Network = "none" });
        Assert.Equal("SIGUSR1", checkedOne.Definition.StopSignal);
        Assert.Equal(["CMD-SHELL", "test -e /ready && echo ready"], checkedOne.Definition.Health!.Test);
        Store.Start(checkedOne.Id);
        Assert.Equal(0, Store.Wait(checkedOne.Id, Patience, condition: WaitCondition.Healthy));
        Assert.Equal("ready\n", Store.Resolve(checkedOne.Id).Health!.Log[^1].Output);
        // Stop sends the image's STOPSIGNAL, which the program traps.
        var stopped = Store.Stop(checkedOne.Id, TimeSpan.FromSeconds(30));
        Assert.Equal(3, stopped.State.ExitCode);
        Assert.Equal("got-usr1\n", _build.Host.Output(checkedOne));

        var unprobed = Store.Create(new ContainerCreateOptions { Image = image.Id, Network = "none", NoHealthcheck = true });
        Assert.Null(unprobed.Definition.Health);
        Store.Start(unprobed.Id);
        Assert.Null(Store.Resolve(unprobed.Id).Health);
        Assert.False(File.Exists(Store.PathsOf(unprobed.Id).HealthFile));
        Assert.Equal(ContainerStatus.Running, Store.Resolve(unprobed.Id).Status);
    }
}
