using System.Formats.Tar;
using System.Text.Json;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Archives;

/// <summary>The archive shapes other tools write, recognized by content, and our own export read back.</summary>
public sealed class ArchiveFormatTests : IDisposable
{
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void RecognizesAGzippedDockerArchiveWhateverItsName()
    {
        var plain = _store.PathFor("plain.tar");
        TestImages.BuildDockerArchive(plain, "gz:1");
        var disguised = _store.PathFor("archive.oci");
        File.WriteAllBytes(disguised, TestImages.Gzip(File.ReadAllBytes(plain)));

        var image = Assert.Single(_store.Images.Import(disguised, null));

        Assert.Equal("docker.io/library/gz:1", Assert.Single(image.Names).ToString());
    }

    [Fact]
    public void ReadsNewerDockerSaveLayoutWithBlobPaths()
    {
        // docker 25+ save: layers and config under blobs/sha256/, next to an oci-layout; manifest.json carries the tags.
        var layers = new[] { TestImages.BusyboxRootfsTarBytes(), TestImages.MarkerLayerTar("new") };
        var config = TestImages.ConfigJson(layers.Select(TestImages.DigestOf).ToArray(), "new");
        var files = new List<(string, byte[])> { ("oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray()), ("index.json", """{"schemaVersion":2,"manifests":[]}"""u8.ToArray()) };
        files.AddRange(layers.Select(l => ("blobs/sha256/" + TestImages.Hex(l), l)));
        files.Add(("blobs/sha256/" + TestImages.Hex(config), config));
        files.Add(("manifest.json", JsonSerializer.SerializeToUtf8Bytes(new[]
        {
            new { Config = "blobs/sha256/" + TestImages.Hex(config), RepoTags = new[] { "newer:1" }, Layers = layers.Select(l => "blobs/sha256/" + TestImages.Hex(l)).ToArray() },
        })));
        var path = _store.PathFor("newer.tar");
        TestImages.WriteTar(path, files);

        var image = Assert.Single(_store.Images.Import(path, null));

        Assert.Equal(TestImages.DigestOf(config), image.Id);
        Assert.Equal(layers.Select(TestImages.DigestOf), image.Layers.Select(l => l.BlobDigest));
    }

    [Fact]
    public void BlobPathLayerWhoseContentDoesNotMatchItsNameIsRefused()
    {
        var layers = new[] { TestImages.BusyboxRootfsTarBytes(), TestImages.MarkerLayerTar("liar") };
        var config = TestImages.ConfigJson(layers.Select(TestImages.DigestOf).ToArray(), "liar");
        var wrongName = "blobs/sha256/" + new string('a', 64);
        var path = _store.PathFor("liar.tar");
        TestImages.WriteTar(path, [
            ("base.tar", layers[0]), (wrongName, layers[1]), ("config.json", config),
            ("manifest.json", JsonSerializer.SerializeToUtf8Bytes(new[] { new { Config = "config.json", RepoTags = new[] { "liar:1" }, Layers = new[] { "base.tar", wrongName } } })),
        ]);
        var before = _store.Listing();

        var error = Assert.Throws<ContainerToolsException>(() => _store.Images.Import(path, null));

        Assert.Equal("DigestMismatch", error.ErrorId);
        Assert.Equal(before, _store.Listing());
    }

    [Fact]
    public void FailureInTheLastImageOfAnArchiveLeavesNoneOfItsImages()
    {
        var good = _store.PathFor("good.tar");
        TestImages.BuildDockerArchive(good, [new TestImage(["first:1"], "first"), new TestImage(["second:1"], "second")], gzipLayers: false);
        var broken = _store.PathFor("broken.tar");
        using (var input = File.OpenRead(good))
        using (var reader = new TarReader(input))
        using (var output = File.Create(broken))
        using (var writer = new TarWriter(output, TarEntryFormat.Ustar))
        {
            // Replace the second image's marker layer by a layer with other content (its config's diff id no longer matches).
            var secondTop = TestImages.Hex(TestImages.MarkerLayerTar("second")) + ".tar";
            while (reader.GetNextEntry() is { } entry)
            {
                var copy = new UstarTarEntry(entry.EntryType, entry.Name)
                {
                    DataStream = entry.Name == secondTop ? new MemoryStream(TestImages.MarkerLayerTar("tampered")) : entry.DataStream,
                };
                writer.WriteEntry(copy);
            }
        }
        var before = _store.Listing();

        var error = Assert.Throws<ContainerToolsException>(() => _store.Images.Import(broken, null));

        Assert.Equal("DigestMismatch", error.ErrorId);
        Assert.Equal(before, _store.Listing());
        Assert.Empty(_store.Images.List());
    }

    [Fact]
    public void OciLayoutWithNestedIndexYieldsTheLinuxAmd64Image()
    {
        var layout = _store.PathFor("multi");
        var blobs = Path.Combine(layout, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        string Put(byte[] content)
        {
            File.WriteAllBytes(Path.Combine(blobs, TestImages.Hex(content)), content);
            return TestImages.DigestOf(content);
        }
        (string Digest, int Size) Manifest(string marker)
        {
            var layer = TestImages.MarkerLayerTar(marker);
            var config = TestImages.ConfigJson([TestImages.DigestOf(layer)], marker);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(new
            {
                schemaVersion = 2,
                mediaType = "application/vnd.oci.image.manifest.v1+json",
                config = new { mediaType = "application/vnd.oci.image.config.v1+json", digest = Put(config), size = config.Length },
                layers = new[] { new { mediaType = "application/vnd.oci.image.layer.v1.tar", digest = Put(layer), size = layer.Length } },
            });
            return (Put(bytes), bytes.Length);
        }
        var arm = Manifest("arm64");
        var amd = Manifest("amd64");
        const string manifestType = "application/vnd.oci.image.manifest.v1+json";
        var nested = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = "application/vnd.oci.image.index.v1+json",
            manifests = new object[]
            {
                new { mediaType = manifestType, digest = arm.Digest, size = arm.Size, platform = new { architecture = "arm64", os = "linux" } },
                new { mediaType = manifestType, digest = amd.Digest, size = amd.Size, platform = new { architecture = "amd64", os = "linux" } },
            },
        });
        File.WriteAllText(Path.Combine(layout, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        File.WriteAllBytes(Path.Combine(layout, "index.json"), JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            manifests = new[]
            {
                new
                {
                    mediaType = "application/vnd.oci.image.index.v1+json",
                    digest = Put(nested),
                    size = nested.Length,
                    annotations = new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = "quay.io/multi/arch:1" },
                },
            },
        }));

        var image = Assert.Single(_store.Images.Import(layout, null));

        Assert.Equal("quay.io/multi/arch:1", Assert.Single(image.Names).ToString());
        Assert.Equal("amd64", image.Config.Config!.Labels!["test.marker"]);
    }

    [Fact]
    public void ExportedArchivesOfSeveralImagesImportIntoAnotherStoreUnchanged()
    {
        var source = _store.PathFor("source.tar");
        TestImages.BuildDockerArchive(source, [new TestImage(["a:1", "a:2"], "a"), new TestImage(["quay.io/b/b:1"], "b")], gzipLayers: true);
        var images = _store.Images.Import(source, null);
        var progress = new List<ImageProgress>();

        foreach (var format in new[] { ArchiveFormat.DockerArchive, ArchiveFormat.OciArchive })
        {
            var exported = _store.PathFor("export-" + format);
            _store.Images.Export(["a:1", "a:2", "quay.io/b/b:1"], exported, format, new SyncProgress<ImageProgress>(progress.Add));
            using var other = new TempStore();

            var imported = other.Images.Import(exported, null);

            Assert.Equal(images.Select(i => i.Id).Order(), imported.Select(i => i.Id).Order());
            Assert.Equal(
                images.SelectMany(i => i.Names).Select(n => n.ToString()).Order(),
                imported.SelectMany(i => i.Names).Select(n => n.ToString()).Order());
            Assert.Equal(3, other.Images.Layers.List().Count());
            Assert.DoesNotContain(Directory.EnumerateFiles(_store.Directory), f => f.EndsWith(".tmp", StringComparison.Ordinal));
        }
        Assert.Contains(progress, p => p.Activity == "Exporting image");
    }

    [Fact]
    public void ExportByNameCarriesOnlyThatName()
    {
        var source = _store.PathFor("source.tar");
        TestImages.BuildDockerArchive(source, "one:1", "one:2");
        _store.Images.Import(source, null);
        var exported = _store.PathFor("only-one.tar");

        _store.Images.Export(["one:2"], exported, ArchiveFormat.DockerArchive, null);

        using var other = new TempStore();
        Assert.Equal("docker.io/library/one:2", Assert.Single(Assert.Single(other.Images.Import(exported, null)).Names).ToString());
    }

    [Fact]
    public void ExportOfUnknownImageWritesNothing()
    {
        var target = _store.PathFor("never.tar");

        var error = Assert.Throws<ContainerToolsException>(() => _store.Images.Export(["ghost:1"], target, ArchiveFormat.OciArchive, null));

        Assert.Equal("ImageNotFound", error.ErrorId);
        Assert.False(File.Exists(target));
    }
}
