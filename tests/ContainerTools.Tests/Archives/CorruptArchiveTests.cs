using System.Formats.Tar;
using System.Text.Json;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Archives;

/// <summary>Every damaged or hostile archive fails with a clear error and leaves the store exactly as it was.</summary>
public sealed class CorruptArchiveTests : IDisposable
{
    private readonly TempStore _store = new();
    private readonly byte[] _base = TestImages.BusyboxRootfsTarBytes();
    private readonly byte[] _top = TestImages.MarkerLayerTar("corrupt");

    public CorruptArchiveTests()
    {
        // A store that already holds an image (sharing the busybox base layer) so "unchanged" covers existing content too.
        var existing = _store.PathFor("existing.tar");
        TestImages.BuildDockerArchive(existing, new TestImage(["existing:1"], "existing"));
        _store.Images.Import(existing, null);
    }

    public void Dispose() => _store.Dispose();

    private string Archive(string name, string[] diffIds, params (string Name, byte[] Content)[] layers) =>
        Archive(name, diffIds, layers.Select(l => l.Name).ToArray(), layers);

    /// <summary>A docker-archive whose manifest lists <paramref name="layerNames"/> and which contains <paramref name="files"/>.</summary>
    private string Archive(string name, string[] diffIds, string[] layerNames, params (string Name, byte[] Content)[] files)
    {
        var config = TestImages.ConfigJson(diffIds, name);
        var manifest = new[] { new { Config = "config.json", RepoTags = new[] { "broken:" + name }, Layers = layerNames } };
        var path = _store.PathFor(name + ".tar");
        TestImages.WriteTar(path, files.Append(("config.json", config)).Append(("manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifest))));
        return path;
    }

    private ContainerToolsException ImportFails(string path)
    {
        var before = _store.Listing();
        var error = Assert.Throws<ContainerToolsException>(() => _store.Images.Import(path, null));
        Assert.Equal(before, _store.Listing());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_store.Root.TempDirectory));
        Assert.Equal("docker.io/library/existing:1", Assert.Single(Assert.Single(_store.Images.List()).Names).ToString());
        return error;
    }

    private string[] DiffIds => [TestImages.DigestOf(_base), TestImages.DigestOf(_top)];

    [Fact]
    public void ArchiveThatIsFineImports()
    {
        var path = Archive("fine", DiffIds, ("base.tar", _base), ("top.tar", _top));

        Assert.Single(_store.Images.Import(path, null));
    }

    [Fact]
    public void TruncatedArchive()
    {
        var path = Archive("truncated", DiffIds, ("base.tar", _base), ("top.tar", _top), ("tail.bin", new byte[4096]));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = ImportFails(path);

        Assert.Equal(ErrorKind.InvalidData, error.Kind);
    }

    [Fact]
    public void TruncatedGzipLayer()
    {
        var gzip = TestImages.Gzip(_top);
        var path = Archive("badgzip", DiffIds, ("base.tar", _base), ("top.tar", gzip[..(gzip.Length - 20)]));

        var error = ImportFails(path);

        Assert.Equal(ErrorKind.InvalidData, error.Kind);
    }

    [Fact]
    public void WrongDiffIdOfANewLayer()
    {
        var path = Archive("wrongdiff", [DiffIds[0], "sha256:" + new string('e', 64)], ("base.tar", _base), ("top.tar", _top));

        Assert.Equal("DigestMismatch", ImportFails(path).ErrorId);
    }

    [Fact]
    public void WrongDiffIdNamingALayerTheStoreAlreadyHas()
    {
        // The config claims the top layer is the busybox base the store has; the file is something else.
        var path = Archive("claimsbase", [DiffIds[0], DiffIds[0]], ("base.tar", _base), ("top.tar", _top));

        Assert.Equal("DigestMismatch", ImportFails(path).ErrorId);
    }

    [Fact]
    public void MoreLayersThanDiffIds()
    {
        var path = Archive("count", [DiffIds[0]], ("base.tar", _base), ("top.tar", _top));

        Assert.Equal("LayerCountMismatch", ImportFails(path).ErrorId);
    }

    [Fact]
    public void MissingLayerFile()
    {
        var path = Archive("missing", DiffIds, ["base.tar", "absent.tar"], ("base.tar", _base));

        Assert.Equal("MissingArchiveEntry", ImportFails(path).ErrorId);
    }

    [Theory]
    [InlineData("../outside.tar")]
    [InlineData("/etc/passwd")]
    [InlineData("layers/../../outside.tar")]
    public void ManifestReferringOutsideTheArchive(string hostile)
    {
        File.WriteAllBytes(_store.PathFor("outside.tar"), _top);
        var path = Archive("hostile", DiffIds, ["base.tar", hostile], ("base.tar", _base), (hostile, _top));

        Assert.Equal("UnsafeArchiveEntry", ImportFails(path).ErrorId);
    }

    [Fact]
    public void SymlinkedLayerFileLeavingTheArchive()
    {
        var path = _store.PathFor("symlinked.tar");
        var config = TestImages.ConfigJson(DiffIds, "symlinked");
        var manifest = new[] { new { Config = "config.json", RepoTags = new[] { "broken:symlinked" }, Layers = new[] { "base.tar", "top/layer.tar" } } };
        using (var stream = File.Create(path))
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "base.tar") { DataStream = new MemoryStream(_base) });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "top/layer.tar") { LinkName = "../../../../etc/hostname" });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "config.json") { DataStream = new MemoryStream(config) });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json") { DataStream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest)) });
        }

        Assert.Equal("MissingArchiveEntry", ImportFails(path).ErrorId);
    }

    [Fact]
    public void HostileMembersNobodyReferencesAreIgnored()
    {
        var path = Archive("ignored", DiffIds, ["base.tar", "top.tar"], ("base.tar", _base), ("top.tar", _top), ("../../ignored-escape", _top), ("/tmp/ignored-absolute", _top));

        Assert.Single(_store.Images.Import(path, null));

        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_store.Directory)!, "ignored-escape")));
        Assert.False(File.Exists("/tmp/ignored-absolute"));
    }

    [Fact]
    public void LayerWithAnEntryEscapingItsDirectory()
    {
        byte[] evil;
        using (var memory = new MemoryStream())
        {
            using (var writer = new TarWriter(memory, TarEntryFormat.Ustar, leaveOpen: true))
            {
                writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "../../escaped-by-layer") { DataStream = new MemoryStream([1, 2, 3]) });
            }
            evil = memory.ToArray();
        }
        var path = Archive("evillayer", [DiffIds[0], TestImages.DigestOf(evil)], ("base.tar", _base), ("top.tar", evil));

        var error = ImportFails(path);

        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.False(File.Exists(Path.Combine(_store.Root.Path, "escaped-by-layer")));
    }

    [Fact]
    public void FileThatIsNoArchive()
    {
        var path = _store.PathFor("noise.bin");
        File.WriteAllBytes(path, Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray());

        Assert.Equal("UnknownArchiveFormat", ImportFails(path).ErrorId);
    }

    [Fact]
    public void TarThatIsNoImageArchive()
    {
        var path = _store.PathFor("plain.tar");
        TestImages.WriteTar(path, [("hello.txt", "hi"u8.ToArray())]);

        Assert.Equal("UnknownArchiveFormat", ImportFails(path).ErrorId);
    }

    [Fact]
    public void MissingArchiveIsNotFound()
    {
        var error = ImportFails(_store.PathFor("does-not-exist.tar"));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public void OciLayoutWithABlobThatDoesNotMatchItsDigest()
    {
        var layout = _store.PathFor("layout");
        var blobs = Path.Combine(layout, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        var config = TestImages.ConfigJson([TestImages.DigestOf(_top)], "oci");
        var layerDigest = TestImages.DigestOf(_top);
        File.WriteAllBytes(Path.Combine(blobs, TestImages.Hex(_top)), _base);
        File.WriteAllBytes(Path.Combine(blobs, TestImages.Hex(config)), config);
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = "application/vnd.oci.image.manifest.v1+json",
            config = new { mediaType = "application/vnd.oci.image.config.v1+json", digest = TestImages.DigestOf(config), size = config.Length },
            layers = new[] { new { mediaType = "application/vnd.oci.image.layer.v1.tar", digest = layerDigest, size = _top.Length } },
        });
        File.WriteAllBytes(Path.Combine(blobs, TestImages.Hex(manifest)), manifest);
        File.WriteAllText(Path.Combine(layout, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        File.WriteAllBytes(Path.Combine(layout, "index.json"), JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            manifests = new[] { new { mediaType = "application/vnd.oci.image.manifest.v1+json", digest = TestImages.DigestOf(manifest), size = manifest.Length } },
        }));

        Assert.Equal("DigestMismatch", ImportFails(layout).ErrorId);
    }

    [Fact]
    public void OciLayoutBlobSymlinkedOutOfTheLayoutIsNotRead()
    {
        var layout = _store.PathFor("escaping-layout");
        var blobs = Path.Combine(layout, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        var outside = _store.PathFor("outside-index.json");
        var index = JsonSerializer.SerializeToUtf8Bytes(new { schemaVersion = 2, manifests = Array.Empty<object>() });
        File.WriteAllBytes(outside, index);
        File.WriteAllText(Path.Combine(layout, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        File.CreateSymbolicLink(Path.Combine(layout, "index.json"), outside);

        var error = ImportFails(layout);

        Assert.Equal("UnknownArchiveFormat", error.ErrorId);
    }
}
