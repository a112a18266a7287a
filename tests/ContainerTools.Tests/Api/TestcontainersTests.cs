using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Images;

namespace ContainerTools.Tests.Api;

/// <summary>Testcontainers for .NET (4.17) against ctapi: a container on its own network, waited for until its port answers, then disposed with nothing left.</summary>
// Its containers use docker's bridge and published ports: it runs in the network tests' collection, whose
// iptables checks would otherwise see its rules come and go.
[Collection(ContainerTools.Tests.Network.NetworkCollection.Name)]
public sealed class TestcontainersTests : IDisposable
{
    private readonly ApiServer _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task StartsAContainerAndWaitsForItsPort()
    {
        // The resource reaper (Ryuk) is an image from Docker Hub: this host has no internet, and disposal cleans up here.
        Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");
        var network = new NetworkBuilder()
            .WithDockerEndpoint(_server.DockerHost)
            .WithName("tc-" + Guid.NewGuid().ToString("N")[..8])
            .Build();
        await network.CreateAsync();
        var bridge = Assert.Single(_server.Engine.Networks.List()).Bridge;
        var container = new ContainerBuilder()
            .WithDockerEndpoint(_server.DockerHost)
            .WithImage("busybox:latest")
            .WithImagePullPolicy(PullPolicy.Never)
            .WithNetwork(network)
            .WithCommand("sh", "-c", "echo pong > /tmp/index.html; exec httpd -f -p 8080 -h /tmp")
            .WithPortBinding(8080, assignRandomHostPort: true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilInternalTcpPortIsAvailable(8080))
            .Build();
        try
        {
            await container.StartAsync();
            Assert.Single(_server.Engine.List());
            var port = container.GetMappedPublicPort(8080);
            using var http = new HttpClient();
            Assert.Equal("pong\n", await http.GetStringAsync($"http://127.0.0.1:{port}/index.html"));
        }
        finally
        {
            await container.DisposeAsync();
            await network.DeleteAsync();
            await network.DisposeAsync();
        }
        Assert.Empty(_server.Engine.List());
        Assert.Empty(_server.Engine.Networks.List());
        Assert.False(Directory.Exists($"/sys/class/net/{bridge}"), $"bridge {bridge} left behind");
    }
}
