using System.Text;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Registry;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Registry;

/// <summary>Responses a real registry would not send: oversized and malformed manifests are refused with clear errors.</summary>
public sealed class HostileRegistryTests : IDisposable
{
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    private ContainerToolsException PullFails(FakeRegistry registry, string repositoryAndTag)
    {
        using var puller = new ImagePuller(_store.Images, RegistryConfig.Default, RegistryLogins.Anonymous);
        var error = Assert.Throws<ContainerToolsException>(() => puller.Pull(ImageReference.Parse($"{registry.Host}/{repositoryAndTag}"), null, null, CancellationToken.None));
        Assert.Empty(_store.Images.List());
        return error;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AHugeManifestIsRefused(bool chunked)
    {
        var huge = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"layers\":[" + string.Join(',', Enumerable.Repeat("{}", 3 << 20)) + "]}");
        using var registry = new FakeRegistry(_ => (200, "application/vnd.oci.image.manifest.v1+json", huge)) { Chunked = chunked };

        var error = PullFails(registry, "big/image:1");

        Assert.Equal((ErrorKind.InvalidData, "RegistryResponseTooLarge"), (error.Kind, error.ErrorId));
        Assert.Contains("4 MiB", error.Message);
    }

    [Fact]
    public void AMalformedManifestIsRefused()
    {
        using var registry = new FakeRegistry(_ => (200, "application/vnd.oci.image.manifest.v1+json", "{\"schemaVersion\":2,\"config\":"u8.ToArray()));

        var error = PullFails(registry, "broken/image:1");

        Assert.Equal((ErrorKind.InvalidData, "InvalidDocument"), (error.Kind, error.ErrorId));
        Assert.Contains("broken/image:1", error.Message);
    }

    [Fact]
    public void AManifestWithAnInvalidLayerDigestIsRefused()
    {
        var manifest = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:../../etc/passwd","size":1}]}"""u8.ToArray();
        using var registry = new FakeRegistry(_ => (200, "application/vnd.oci.image.manifest.v1+json", manifest));

        var error = PullFails(registry, "evil/image:1");

        Assert.Equal((ErrorKind.InvalidData, "InvalidDocument"), (error.Kind, error.ErrorId));
    }

    [Fact]
    public void AnUnreachableRegistryIsAConnectionError()
    {
        var host = $"127.0.0.1:{LoopbackHttpServer.FreePort()}";
        using var puller = new ImagePuller(_store.Images, RegistryConfig.Default, RegistryLogins.Anonymous);

        var error = Assert.Throws<ContainerToolsException>(() => puller.Pull(ImageReference.Parse($"{host}/gone/image:1"), null, null, CancellationToken.None));

        Assert.Equal((ErrorKind.ConnectionError, "RegistryConnectionFailed"), (error.Kind, error.ErrorId));
        Assert.Contains(host, error.Message);
    }
}
