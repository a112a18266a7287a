using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Registry;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Registry;

/// <summary>Pushes to a real docker-registry, read back by skopeo, podman and our own pull.</summary>
public sealed class RegistryPushTests : IDisposable
{
    private readonly TempStore _store = new();
    private readonly LocalRegistry _registry = LocalRegistry.Start();

    public void Dispose()
    {
        _registry.Dispose();
        _store.Dispose();
    }

    private Image ImportTestImage(string marker, bool gzipLayers = true)
    {
        var archive = _store.PathFor($"image-{marker}.tar");
        RegistryImages.BuildSmallArchive(archive, [$"local/{marker}:1"], marker, gzipLayers);
        return Assert.Single(_store.Images.Import(archive, null));
    }

    private PushResult Push(string nameOrId, string target, RegistryConfig? config = null)
    {
        using var pusher = new ImagePusher(_store.Images, config ?? RegistryConfig.Default, RegistryLogins.Anonymous);
        return pusher.Push(nameOrId, ImageReference.Parse(target), null, CancellationToken.None);
    }

    [Fact]
    public void APushedImageIsWhatSkopeoAndPodmanPull()
    {
        var image = ImportTestImage("pushed");
        var target = $"{_registry.Host}/tests/pushed:1";

        var result = Push(image.Id, target);

        Assert.Equal(image.ManifestDigest, result.ManifestDigest);
        Assert.Equal(3, result.BlobsUploaded);
        Assert.Equal(image.ManifestDigest, RegistryImages.RemoteDigest(target));

        var podman = _store.PathFor("podman");
        string[] storage = ["--root", Path.Combine(podman, "root"), "--runroot", Path.Combine(podman, "run"), "--storage-driver", "vfs", "--tmpdir", Path.Combine(podman, "tmp"), "--events-backend", "none"];
        Directory.CreateDirectory(Path.Combine(podman, "tmp"));
        try
        {
            TestImages.Run("podman", [.. storage, "pull", "-q", "--tls-verify=false", "--authfile", RegistryImages.EmptyAuthFile, target]);
            var id = TestImages.Run("podman", [.. storage, "image", "inspect", "--format", "{{.Id}}", target]).Trim();
            Assert.Equal(image.Id, "sha256:" + id);
        }
        finally
        {
            try { TestImages.Run("podman", [.. storage, "system", "reset", "--force"]); } catch (InvalidOperationException) { }
        }
    }

    [Fact]
    public void APushedImagePullsBackIntoAnotherStoreUnchanged()
    {
        var image = ImportTestImage("roundtrip", gzipLayers: false);
        var target = $"{_registry.Host}/tests/roundtrip:1";
        Push(image.Id, target);

        using var other = new TempStore();
        using var puller = new ImagePuller(other.Images, RegistryConfig.Default, RegistryLogins.Anonymous);
        var pulled = puller.Pull(ImageReference.Parse(target), null, null, CancellationToken.None);

        Assert.Equal(image.Id, pulled.Id);
        Assert.Equal(image.ManifestDigest, pulled.ManifestDigest);
        Assert.Equal(image.Layers.Select(l => l.DiffId), pulled.Layers.Select(l => l.DiffId));
    }

    [Fact]
    public void ChunkedUploadsAreAssembledByTheRegistry()
    {
        var image = ImportTestImage("chunked");
        var target = $"{_registry.Host}/tests/chunked:1";
        var config = RegistryConfig.Default with { ChunkedUploadThreshold = 0, ChunkSize = 100_000 };

        var result = Push(image.Id, target, config);

        Assert.Equal(3, result.BlobsUploaded);
        Assert.Equal(image.ManifestDigest, RegistryImages.RemoteDigest(target));
        var payload = image.Layers.Max(l => l.CompressedSize);
        Assert.True(payload > 200_000, "the payload layer spans several chunks");
        Assert.True(_registry.SettledCountRequests("PATCH /v2/tests/chunked/blobs/uploads/") >= payload / 100_000 + 2);
    }

    [Fact]
    public void ASecondPushUploadsNothingAndAnotherRepositoryMountsTheBlobs()
    {
        var image = ImportTestImage("mounted");
        Push(image.Id, $"{_registry.Host}/tests/first:1");
        _store.Images.Tag(image.Id, $"{_registry.Host}/tests/first:1");

        var again = Push(image.Id, $"{_registry.Host}/tests/first:2");
        var mounted = Push(image.Id, $"{_registry.Host}/tests/second:1");

        Assert.Equal((0, 0, 3), (again.BlobsUploaded, again.BlobsMounted, again.BlobsSkipped));
        Assert.Equal((0, 3, 0), (mounted.BlobsUploaded, mounted.BlobsMounted, mounted.BlobsSkipped));
        Assert.Equal(image.ManifestDigest, RegistryImages.RemoteDigest($"{_registry.Host}/tests/second:1"));
        Assert.Equal(image.ManifestDigest, RegistryImages.RemoteDigest($"{_registry.Host}/tests/first:2"));
    }

    [Fact]
    public void APulledDockerManifestIsPushedByteForByte()
    {
        RegistryImages.PushWithSkopeo(_store.Directory, _registry.Host, "tests/source:1", "docker");
        using var puller = new ImagePuller(_store.Images, RegistryConfig.Default, RegistryLogins.Anonymous);
        var image = puller.Pull(ImageReference.Parse($"{_registry.Host}/tests/source:1"), null, null, CancellationToken.None);

        var result = Push($"{_registry.Host}/tests/source:1", $"{_registry.Host}/tests/copy:1");

        Assert.Equal(image.ManifestDigest, result.ManifestDigest);
        Assert.Equal(RegistryImages.RemoteDigest($"{_registry.Host}/tests/source:1"), RegistryImages.RemoteDigest($"{_registry.Host}/tests/copy:1"));
        Assert.Equal(3, result.BlobsMounted);
    }
}
