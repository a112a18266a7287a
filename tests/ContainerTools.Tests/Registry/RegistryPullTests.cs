using ContainerTools.Runtime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Registry;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Registry;

/// <summary>Pulls from a real docker-registry on 127.0.0.1, of images skopeo pushed there.</summary>
public sealed class RegistryPullTests : IDisposable
{
    private readonly TempStore _store = new();
    private readonly LocalRegistry _registry = LocalRegistry.Start();

    public void Dispose()
    {
        _registry.Dispose();
        _store.Dispose();
    }

    /// <summary>Pushes a generated two-layer image to the test registry with skopeo; returns the image id (config digest).</summary>
    private string PushWithSkopeo(string repositoryAndTag, string marker = "default")
    {
        var archive = _store.PathFor($"skopeo-{Guid.NewGuid():N}.tar");
        TestImages.BuildDockerArchive(archive, [new TestImage(["x:1"], marker)], gzipLayers: false);
        TestImages.Run("skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false", "docker-archive:" + archive, $"docker://{_registry.Host}/{repositoryAndTag}");
        File.Delete(archive);
        return "";
    }

    private ImagePuller Puller() => new(_store.Images, RegistryConfig.Default, RegistryLogins.Anonymous);

    [Fact]
    public void PullsAnImageSkopeoPushedAndStoresItUnderTheReference()
    {
        PushWithSkopeo("tests/box:1", "pulled");
        var reference = ImageReference.Parse($"{_registry.Host}/tests/box:1");

        using var puller = Puller();
        var image = puller.Pull(reference, null, null, CancellationToken.None);

        Assert.Equal(reference, Assert.Single(image.Names));
        Assert.Equal(2, image.Layers.Count);
        Assert.Equal(image.Id, _store.Images.Resolve($"{_registry.Host}/tests/box:1").Id);
        Assert.Equal(image.Id, _store.Images.Resolve($"{_registry.Host}/tests/box@{image.ManifestDigest}").Id);
        var dirs = _store.Images.LayerDirectories(image);
        Assert.Equal("pulled\n", File.ReadAllText(Path.Combine(dirs[1], "etc", "marker")));
        Assert.True(File.Exists(Path.Combine(dirs[0], "bin", "busybox")));
        Assert.Equal(2, puller.LayersDownloaded);
        // The manifest is stored as the registry served it: its digest is the registry's.
        var remote = TestImages.Run("skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}", $"docker://{_registry.Host}/tests/box:1").Trim();
        Assert.Equal(remote, image.ManifestDigest);
    }
}
