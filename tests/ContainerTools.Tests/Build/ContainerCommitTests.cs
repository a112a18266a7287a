using ContainerTools.Runtime.Build;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Tests.Build;

public sealed class ContainerCommitTests : IDisposable
{
    private readonly BuildHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void A_running_container_is_paused_committed_and_resumed()
    {
        var store = _host.Host.Store;
        var container = _host.Host.Run(new ContainerCreateOptions
        {
            Image = "busybox",
            Command = ["sh", "-c", "mkdir -p /data && echo live > /data/f && rm /etc/passwd && echo ready && sleep 60"],
            Network = "none",
            Env = ["FROM_RUN=1"],
        });
        for (var i = 0; i < 500 && !_host.Host.Output(container).Contains("ready"); i++)
        {
            Thread.Sleep(20);
        }
        var image = new ContainerCommit(store).Commit(new CommitOptions
        {
            Container = container.Name,
            Name = "committed:live",
            Changes = ["CMD [\"cat\", \"/data/f\"]", "LABEL stage=live", "WORKDIR data"],
            Message = "while running",
            Pause = true,
        });
        Assert.Equal(ContainerStatus.Running, store.Resolve(container.Id).Status);
        Assert.Equal("live\n", _host.Run(image));
        var tree = FileTree.Of(_host.Host.Images, image);
        Assert.DoesNotContain("etc/passwd", tree.Keys);
        Assert.DoesNotContain(tree.Keys, k => k is "etc/hosts" or "etc/hostname" or "etc/resolv.conf");
        var config = image.Config.Config!;
        Assert.Contains("FROM_RUN=1", config.Env!);
        Assert.Equal("live", config.Labels!["stage"]);
        Assert.Equal("/data", config.WorkingDir);
        Assert.Equal("while running", image.Config.History![^1].Comment);
        store.Remove(container.Id, force: true);

        var error = Assert.Throws<ContainerToolsException>(() => new ContainerCommit(store).Commit(new CommitOptions { Container = "busybox-none", Changes = ["FROM x"] }));
        Assert.Equal("ChangeNotAllowed", error.ErrorId);
    }
}
