using System.Text;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Oci;
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

    private ImagePuller Puller(RegistryConfig? config = null) => new(_store.Images, config ?? RegistryConfig.Default, RegistryLogins.Anonymous);

    private Image Pull(string reference, RegistryConfig? config = null, string? platform = null)
    {
        using var puller = Puller(config);
        return puller.Pull(ImageReference.Parse(reference), platform is null ? null : PlatformSelector.Parse(platform), null, CancellationToken.None);
    }

    [Fact]
    public void PullsAnImageSkopeoPushedAndStoresItUnderTheReference()
    {
        RegistryImages.PushWithSkopeo(_store.Directory, _registry.Host, "tests/box:1", "pulled");
        var reference = ImageReference.Parse($"{_registry.Host}/tests/box:1");
        var reports = new List<ImageProgress>();

        using var puller = Puller();
        var image = puller.Pull(reference, null, new SyncProgress<ImageProgress>(reports.Add), CancellationToken.None);

        Assert.Equal(reference, Assert.Single(image.Names));
        Assert.Equal(2, image.Layers.Count);
        Assert.Equal(image.Id, _store.Images.Resolve($"{_registry.Host}/tests/box:1").Id);
        Assert.Equal(image.Id, _store.Images.Resolve($"{_registry.Host}/tests/box@{image.ManifestDigest}").Id);
        var dirs = _store.Images.LayerDirectories(image);
        Assert.Equal("pulled\n", File.ReadAllText(Path.Combine(dirs[1], "etc", "marker")));
        Assert.Equal(256 << 10, new FileInfo(Path.Combine(dirs[0], "etc", "payload")).Length);
        Assert.Equal(2, puller.LayersDownloaded);
        // The manifest is stored as the registry served it: its digest is the registry's.
        Assert.Equal(RegistryImages.RemoteDigest($"{_registry.Host}/tests/box:1"), image.ManifestDigest);
        Assert.All(image.Layers, l => Assert.Equal(MediaTypes.DockerLayerGzip, l.MediaType));
        // Progress names each layer as it downloads; the pull cache is empty once the image is stored.
        Assert.All(image.Layers, l => Assert.Contains(reports, r => r.LayerDigest == l.BlobDigest && r.Status.Contains("download complete")));
        Assert.Empty(RegistryImages.PullCacheFiles(_store.Root));
    }

    [Fact]
    public void ASecondPullFetchesNoLayers()
    {
        RegistryImages.PushWithSkopeo(_store.Directory, _registry.Host, "tests/again:1");
        var first = Pull($"{_registry.Host}/tests/again:1");
        var blobGetsAfterFirst = _registry.SettledCountRequests("GET /v2/tests/again/blobs/");
        Assert.Equal(3, blobGetsAfterFirst);

        using var puller = Puller();
        var reports = new List<ImageProgress>();
        var second = puller.Pull(ImageReference.Parse($"{_registry.Host}/tests/again:1"), null, new SyncProgress<ImageProgress>(reports.Add), CancellationToken.None);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(0, puller.LayersDownloaded);
        Assert.Equal(blobGetsAfterFirst, _registry.SettledCountRequests("GET /v2/tests/again/blobs/"));
        Assert.Equal(2, reports.Count(r => r.Status.EndsWith("already exists", StringComparison.Ordinal)));
    }

    [Fact]
    public void ATamperedBlobIsRejectedAndNothingIsStored()
    {
        RegistryImages.PushWithSkopeo(_store.Directory, _registry.Host, "tests/tampered:1");
        var layers = RegistryImages.RemoteLayers($"{_registry.Host}/tests/tampered:1");
        var data = _registry.BlobDataPath(layers[0]);
        var bytes = File.ReadAllBytes(data);
        bytes[bytes.Length / 2] ^= 0xff;
        File.WriteAllBytes(data, bytes);
        var before = _store.Listing();

        var error = Assert.Throws<ContainerToolsException>(() => Pull($"{_registry.Host}/tests/tampered:1"));

        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Equal("DigestMismatch", error.ErrorId);
        Assert.Contains(layers[0], error.Message);
        Assert.Equal(before, _store.Listing());
        Assert.Empty(_store.Images.List());
        Assert.False(File.Exists(Path.Combine(_store.Root.TempDirectory, "pull-blobs", layers[0]["sha256:".Length..])));
    }

    [Fact]
    public void AnUnknownTagOrRepositoryIsNotFoundAndNamed()
    {
        RegistryImages.PushWithSkopeo(_store.Directory, _registry.Host, "tests/known:1");

        var tag = Assert.Throws<ContainerToolsException>(() => Pull($"{_registry.Host}/tests/known:nope"));
        var repository = Assert.Throws<ContainerToolsException>(() => Pull($"{_registry.Host}/tests/unknown:1"));

        Assert.Equal((ErrorKind.NotFound, "ImageNotFoundInRegistry"), (tag.Kind, tag.ErrorId));
        Assert.Contains($"{_registry.Host}/tests/known:nope", tag.Message);
        Assert.Equal((ErrorKind.NotFound, "ImageNotFoundInRegistry"), (repository.Kind, repository.ErrorId));
        Assert.Contains("tests/unknown:1", repository.Message);
        Assert.Empty(_store.Images.List());
    }

    [Fact]
    public void AConnectionCutMidPullLeavesNoImageAndTheNextPullReusesVerifiedBlobs()
    {
        RegistryImages.PushWithSkopeo(_store.Directory, _registry.Host, "tests/cut:1");
        using var proxy = new CuttingProxy(_registry.Port) { CutAfter = 64 << 10 };
        var reference = ImageReference.Parse($"{proxy.Host}/tests/cut:1");
        var before = _store.Listing();

        using var first = Puller();
        var error = Assert.Throws<ContainerToolsException>(() => first.Pull(reference, null, null, CancellationToken.None));

        Assert.Equal((ErrorKind.ConnectionError, "RegistryConnectionFailed"), (error.Kind, error.ErrorId));
        Assert.True(proxy.Cuts > 0);
        Assert.Equal(before, _store.Listing());
        Assert.Null(_store.Images.TryResolve(reference.ToString()));
        Assert.Empty(RegistryImages.PullCacheFiles(_store.Root, "blob-*"));
        // The layers were being unpacked while they arrived: their staging went with the failure.
        Assert.Empty(Directory.EnumerateFileSystemEntries(_store.Root.TempDirectory, "import-*"));

        proxy.CutAfter = null;
        using var second = Puller();
        var image = second.Pull(reference, null, null, CancellationToken.None);

        Assert.Equal(image.Id, _store.Images.Resolve(reference.ToString()).Id);
        // Every layer crossed the network exactly once over both pulls: what the first verified, the second reused.
        Assert.Equal(2, first.LayersDownloaded + second.LayersDownloaded);
    }

    [Fact]
    public void ManyLayersArriveAndUnpackConcurrentlyYetAreStoredInTheirOrder()
    {
        var archive = _store.PathFor("many.tar");
        var diffIds = RegistryImages.BuildManyLayerArchive(archive, "many:1", 5);
        RegistryImages.PushArchive(_registry.Host, archive, "tests/many:1");
        var reference = $"{_registry.Host}/tests/many:1";

        using var puller = Puller(RegistryConfig.Default with { MaxConcurrentDownloads = 4 });
        var image = puller.Pull(ImageReference.Parse(reference), null, null, CancellationToken.None);

        Assert.Equal(diffIds, image.Layers.Select(l => l.DiffId).ToArray());
        // The layer listed twice crossed the network once and was unpacked once.
        Assert.Equal(5, puller.LayersDownloaded);
        Assert.Equal(5, _store.Images.Layers.List().Count());
        var dirs = _store.Images.LayerDirectories(image);
        for (var i = 0; i < diffIds.Length; i++)
        {
            var layer = i % 5;
            Assert.Equal(["layer" + layer], Directory.EnumerateFiles(Path.Combine(dirs[i], "etc")).Select(Path.GetFileName).ToArray());
            Assert.Equal((5 - layer) * (96 << 10), new FileInfo(Path.Combine(dirs[i], "etc", "layer" + layer)).Length);
        }
        Assert.All(image.Layers, l => Assert.True(_store.Images.Blobs.Exists(l.BlobDigest)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_store.Root.TempDirectory));
    }

    [Fact]
    public void AnIndexContributesTheAskedPlatform()
    {
        var amd = RegistryImages.PushGenerated(_registry.Host, "tests/multi:amd64", "amd64");
        var arm = RegistryImages.PushGenerated(_registry.Host, "tests/multi:arm64", "arm64");
        var index = new ImageIndex
        {
            MediaType = MediaTypes.OciIndex,
            Manifests =
            [
                new Descriptor { MediaType = MediaTypes.OciManifest, Digest = arm, Size = ManifestSize(arm), Platform = new Platform { Os = "linux", Architecture = "arm64", Variant = "v8" } },
                new Descriptor { MediaType = MediaTypes.OciManifest, Digest = amd, Size = ManifestSize(amd), Platform = new Platform { Os = "linux", Architecture = "amd64" } },
            ],
        };
        using (var client = new RegistryClient(RegistryConfig.Default.Endpoint(_registry.Host), null))
        {
            client.PutManifest("tests/multi", "all", OciJson.Serialize(index), MediaTypes.OciIndex, CancellationToken.None);
        }

        var byDefault = Pull($"{_registry.Host}/tests/multi:all");
        var arm64 = Pull($"{_registry.Host}/tests/multi:all", platform: "linux/arm64");
        var missing = Assert.Throws<ContainerToolsException>(() => Pull($"{_registry.Host}/tests/multi:all", platform: "linux/s390x"));

        Assert.Equal(amd, byDefault.ManifestDigest);
        Assert.Equal("amd64", byDefault.Config.Config!.Labels!["test.marker"]);
        Assert.Equal(arm, arm64.ManifestDigest);
        Assert.Equal("arm64", arm64.Config.Config!.Labels!["test.marker"]);
        Assert.Equal((ErrorKind.NotFound, "PlatformNotFoundInRegistry"), (missing.Kind, missing.ErrorId));
        Assert.Contains("linux/arm64/v8", missing.Message);
        // The name moved to the last image pulled under it, like docker pull --platform.
        Assert.Equal(arm64.Id, _store.Images.Resolve($"{_registry.Host}/tests/multi:all").Id);

        long ManifestSize(string digest)
        {
            using var client = new RegistryClient(RegistryConfig.Default.Endpoint(_registry.Host), null);
            return client.GetManifest("tests/multi", digest, CancellationToken.None).Content.Length;
        }
    }

    [Fact]
    public void AllTagsPullsEveryTagOfTheRepository()
    {
        RegistryImages.PushGenerated(_registry.Host, "tests/tags:a", "a");
        RegistryImages.PushGenerated(_registry.Host, "tests/tags:b", "b");

        using var puller = Puller();
        var images = puller.PullAllTags(ImageReference.Parse($"{_registry.Host}/tests/tags"), null, null, CancellationToken.None);

        Assert.Equal(["a", "b"], images.Select(i => i.Image.Config.Config!.Labels!["test.marker"]).ToArray());
        Assert.Equal([$"{_registry.Host}/tests/tags:a", $"{_registry.Host}/tests/tags:b"], images.Select(i => i.Reference.ToString()).ToArray());
        Assert.NotNull(_store.Images.TryResolve($"{_registry.Host}/tests/tags:a"));
        Assert.NotNull(_store.Images.TryResolve($"{_registry.Host}/tests/tags:b"));
        // The payload layer is shared: downloaded once.
        Assert.Equal(3, puller.LayersDownloaded);
    }
}
