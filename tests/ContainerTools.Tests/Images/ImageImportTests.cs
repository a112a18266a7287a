using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Images;

public sealed class ImageImportTests : IDisposable
{
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void LayersStagedConcurrentlyAreStoredInTheImagesOrder()
    {
        var archive = _store.PathFor("many.tar");
        var diffIds = Registry.RegistryImages.BuildManyLayerArchive(archive, "many:1", 4);

        var image = Assert.Single(_store.Images.Import(archive, null));

        Assert.Equal(diffIds, image.Layers.Select(l => l.DiffId).ToArray());
        Assert.Equal(4, _store.Images.Layers.List().Count());
        var dirs = _store.Images.LayerDirectories(image);
        Assert.Equal(dirs[0], dirs[4]);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(["layer" + i], Directory.EnumerateFiles(Path.Combine(dirs[i], "etc")).Select(Path.GetFileName).ToArray());
        }
        // Each layer blob was stored as the archive holds it (gzip), once.
        Assert.Equal(image.Layers.Select(l => l.BlobDigest).Distinct().Order(), _store.Images.Blobs.List().Where(b => image.Layers.Any(l => l.BlobDigest == b)).Order());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_store.Root.TempDirectory));
    }

    [Fact]
    public void ImportsDockerArchiveWithSeveralTags()
    {
        var archive = _store.PathFor("two-tags.tar");
        TestImages.BuildDockerArchive(archive, "busybox:latest", "example.com/team/tool:1.0");
        var progress = new List<ImageProgress>();

        var images = _store.Images.Import(archive, new SyncProgress<ImageProgress>(progress.Add));

        var image = Assert.Single(images);
        Assert.Equal(
            new[] { "docker.io/library/busybox:latest", "example.com/team/tool:1.0" },
            image.Names.Select(n => n.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(2, image.Layers.Count);
        Assert.Equal(image.Config.RootFs.DiffIds, image.Layers.Select(l => l.DiffId));
        Assert.Equal(["sh"], image.Config.Config!.Cmd!);
        Assert.Equal(image.Id, _store.Images.Resolve("busybox").Id);
        Assert.Equal(image.Id, _store.Images.Resolve("example.com/team/tool:1.0").Id);
        var dirs = _store.Images.LayerDirectories(image);
        Assert.True(File.Exists(Path.Combine(dirs[0], "bin", "busybox")));
        Assert.Equal("default\n", File.ReadAllText(Path.Combine(dirs[1], "etc", "marker")));
        Assert.Contains(progress, p => p.Activity == "Importing image" && p.Status.StartsWith("Applying layer 2/2 sha256:", StringComparison.Ordinal));
        Assert.Equal(image.Id, Assert.Single(_store.Images.List()).Id);
    }

    [Fact]
    public void ImportsSeveralImagesOfOneArchiveSharingTheirBaseLayerOnce()
    {
        var archive = _store.PathFor("two-images.tar");
        TestImages.BuildDockerArchive(archive, [new TestImage(["one:1"], "one"), new TestImage(["two:2"], "two")], gzipLayers: true);

        var images = _store.Images.Import(archive, null);

        Assert.Equal(2, images.Count);
        Assert.NotEqual(images[0].Id, images[1].Id);
        Assert.Equal(images[0].Layers[0].DiffId, images[1].Layers[0].DiffId);
        Assert.Equal(3, _store.Images.Layers.List().Count());
        Assert.All(images.SelectMany(i => i.Layers), l => Assert.Equal("application/vnd.oci.image.layer.v1.tar+gzip", l.MediaType));
    }

    [Fact]
    public void ImportingTheSameArchiveTwiceKeepsOneImage()
    {
        var archive = _store.PathFor("same.tar");
        TestImages.BuildDockerArchive(archive, "same:1");
        var first = Assert.Single(_store.Images.Import(archive, null));
        var before = _store.Listing();

        var second = Assert.Single(_store.Images.Import(archive, null));

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(before, _store.Listing());
    }

    [Fact]
    public void ImportsPlainRootFsTarballAsOneLayerImage()
    {
        var tar = _store.PathFor("rootfs.tar");
        TestImages.BuildBusyboxRootfsTar(tar);

        var image = _store.Images.ImportRootFs(tar, "rootfs:imported", null);

        Assert.Equal("docker.io/library/rootfs:imported", Assert.Single(image.Names).ToString());
        var layer = Assert.Single(image.Layers);
        Assert.Equal(TestImages.DigestOf(File.ReadAllBytes(tar)), layer.DiffId);
        Assert.Equal("linux", image.Config.Os);
        Assert.Equal("amd64", image.Config.Architecture);
        Assert.Null(image.Config.Config?.Cmd);
        Assert.NotNull(image.Created);
        Assert.True(File.Exists(Path.Combine(_store.Images.LayerDirectories(image)[0], "bin", "busybox")));
    }

    [Fact]
    public void ImportsGzippedRootFsTarball()
    {
        var tar = _store.PathFor("rootfs.tar.gz");
        File.WriteAllBytes(tar, TestImages.Gzip(TestImages.BusyboxRootfsTarBytes()));

        var image = _store.Images.ImportRootFs(tar, "gz:1", null);

        Assert.Equal(TestImages.DigestOf(TestImages.BusyboxRootfsTarBytes()), image.Layers[0].DiffId);
        Assert.Equal("application/vnd.oci.image.layer.v1.tar+gzip", image.Layers[0].MediaType);
    }

    [Fact]
    public void ImportsZstdRootFsTarball()
    {
        var tar = _store.PathFor("rootfs.tar.zst");
        using (var compressor = new ZstdSharp.Compressor())
        {
            File.WriteAllBytes(tar, compressor.Wrap(TestImages.BusyboxRootfsTarBytes()).ToArray());
        }

        var image = _store.Images.ImportRootFs(tar, "zst:1", null);

        Assert.Equal(TestImages.DigestOf(TestImages.BusyboxRootfsTarBytes()), image.Layers[0].DiffId);
        Assert.Equal("application/vnd.oci.image.layer.v1.tar+zstd", image.Layers[0].MediaType);
        Assert.True(File.Exists(Path.Combine(_store.Images.LayerDirectories(image)[0], "bin", "busybox")));
    }

    [Fact]
    public void ImportRootFsRejectsInvalidReferenceBeforeTouchingTheStore()
    {
        var tar = _store.PathFor("rootfs.tar");
        TestImages.BuildBusyboxRootfsTar(tar);
        var before = _store.Listing();

        var error = Assert.Throws<ContainerToolsException>(() => _store.Images.ImportRootFs(tar, "Bad/Name", null));

        Assert.Equal("InvalidImageReference", error.ErrorId);
        Assert.Equal(before, _store.Listing());
    }

    [Fact]
    public async Task ConcurrentImportsOfOneArchiveEndConsistent()
    {
        var archive = _store.PathFor("concurrent.tar");
        TestImages.BuildDockerArchive(archive, [new TestImage(["c:1", "c:2"], "c"), new TestImage(["d:1"], "d")], gzipLayers: false);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => new ImageStore(_store.Root).Import(archive, null))));

        Assert.All(results, r => Assert.Equal(results[0].Select(i => i.Id), r.Select(i => i.Id)));
        var fresh = new ImageStore(_store.Root);
        var images = fresh.List();
        Assert.Equal(2, images.Count);
        Assert.Equal(3, fresh.Layers.List().Count());
        Assert.Equal(3, images.SelectMany(i => i.Names).Count());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_store.Root.TempDirectory));
        foreach (var image in images)
        {
            Assert.All(fresh.LayerDirectories(image), d => Assert.True(Directory.Exists(d)));
            Assert.All(image.Layers, l => Assert.True(fresh.Blobs.Exists(l.BlobDigest!)));
        }
    }

    [Fact]
    public async Task ImportsRacingRemovalsOfImagesSharingLayersEndConsistent()
    {
        var sharedBase = _store.PathFor("a.tar");
        var other = _store.PathFor("b.tar");
        TestImages.BuildDockerArchive(sharedBase, new TestImage(["race:a"], "a"));
        TestImages.BuildDockerArchive(other, new TestImage(["race:b"], "b"));

        var importer = Task.Run(() =>
        {
            var store = new ImageStore(_store.Root);
            for (var i = 0; i < 6; i++)
            {
                store.Import(i % 2 == 0 ? sharedBase : other, null);
            }
        });
        var remover = Task.Run(() =>
        {
            var store = new ImageStore(_store.Root);
            for (var i = 0; i < 12; i++)
            {
                foreach (var name in new[] { "race:a", "race:b" })
                {
                    if (store.TryResolve(name) is not null)
                    {
                        try
                        {
                            store.Remove(name, force: false);
                        }
                        catch (ContainerToolsException ex) when (ex.ErrorId == "ImageNotFound")
                        {
                        }
                    }
                }
            }
        });
        await Task.WhenAll(importer, remover);

        var fresh = new ImageStore(_store.Root);
        var images = fresh.List();
        var usedLayers = images.SelectMany(i => i.Layers).Select(l => l.DiffId).ToHashSet();
        var usedBlobs = images.SelectMany(i => i.Layers.Select(l => l.BlobDigest!).Append(i.Id).Append(i.ManifestDigest!)).ToHashSet();
        foreach (var image in images)
        {
            Assert.All(fresh.LayerDirectories(image), d => Assert.True(Directory.Exists(d)));
        }
        Assert.Equal(usedLayers.Order(), fresh.Layers.List().Order());
        Assert.Equal(usedBlobs.Order(), fresh.Blobs.List().Order());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_store.Root.TempDirectory));
    }

    [Fact]
    public void ImportClearsScratchLeftByACrashLongAgoButNotRecentOrForeignScratch()
    {
        var stale = Directory.CreateDirectory(Path.Combine(_store.Root.TempDirectory, "import-crashed"));
        File.WriteAllText(Path.Combine(stale.FullName, "blob"), "x");
        stale.LastWriteTimeUtc = DateTime.UtcNow.AddDays(-2);
        var recent = Directory.CreateDirectory(Path.Combine(_store.Root.TempDirectory, "import-running"));
        var foreign = Directory.CreateDirectory(Path.Combine(_store.Root.TempDirectory, "someone-else"));
        foreign.LastWriteTimeUtc = DateTime.UtcNow.AddDays(-2);
        var archive = _store.PathFor("a.tar");
        TestImages.BuildDockerArchive(archive, "a:1");

        _store.Images.Import(archive, null);

        Assert.False(Directory.Exists(stale.FullName));
        Assert.True(Directory.Exists(recent.FullName));
        Assert.True(Directory.Exists(foreign.FullName));
    }
}
