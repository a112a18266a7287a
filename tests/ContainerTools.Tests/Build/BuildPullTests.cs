using ContainerTools.Runtime.Build;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Registry;
using ContainerTools.Tests.Registry;

namespace ContainerTools.Tests.Build;

/// <summary>FROM an image the store lacks, and -Pull, through the engine's puller against a real docker-registry.</summary>
public sealed class BuildPullTests : IDisposable
{
    private readonly BuildHost _host = new();
    private readonly LocalRegistry _registry = LocalRegistry.Start();

    public void Dispose()
    {
        _registry.Dispose();
        _host.Dispose();
    }

    [Fact]
    public void From_pulls_a_missing_image_and_pull_fetches_it_again()
    {
        var remote = $"{_registry.Host}/tests/busybox:1";
        using (var pusher = new ImagePusher(_host.Host.Images, RegistryConfig.Default, RegistryLogins.Anonymous))
        {
            pusher.Push("busybox", ImageReference.Parse(remote), null, CancellationToken.None);
        }
        var pulls = new List<string>();
        Image Pull(ImageReference reference, CancellationToken token)
        {
            pulls.Add(reference.ToString());
            using var puller = new ImagePuller(_host.Host.Images, RegistryConfig.Default, RegistryLogins.Anonymous);
            return puller.Pull(reference, null, null, token);
        }
        var dockerfile = $"FROM {remote}\nRUN echo pulled > /p.txt\n";
        var image = _host.Build(dockerfile, new BuildOptions { ContextDirectory = _host.Context, Dockerfile = dockerfile, PullImage = Pull });
        Assert.Equal([remote], pulls);
        Assert.Equal("pulled\n", _host.Run(image, "cat", "/p.txt"));

        _host.Build(dockerfile, new BuildOptions { ContextDirectory = _host.Context, Dockerfile = dockerfile, PullImage = Pull });
        Assert.Single(pulls);
        _host.Build(dockerfile, new BuildOptions { ContextDirectory = _host.Context, Dockerfile = dockerfile, PullImage = Pull, Pull = true });
        Assert.Equal(2, pulls.Count);
        Assert.Single(_host.Output.CacheHits);
    }
}
