using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Images;

public sealed class ImageResolutionTests : IDisposable
{
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void ResolvesNamesIdsPrefixesAndDigests()
    {
        var image = _store.ImportTestImage("r", "busybox:latest");
        var hex = image.Id["sha256:".Length..];

        Assert.Equal(image.Id, _store.Images.Resolve("busybox").Id);
        Assert.Equal(image.Id, _store.Images.Resolve("docker.io/library/busybox:latest").Id);
        Assert.Equal(image.Id, _store.Images.Resolve("library/busybox").Id);
        Assert.Equal(image.Id, _store.Images.Resolve(image.Id).Id);
        Assert.Equal(image.Id, _store.Images.Resolve(hex).Id);
        Assert.Equal(image.Id, _store.Images.Resolve(hex[..3]).Id);
        Assert.Equal(image.Id, _store.Images.Resolve("sha256:" + hex[..8]).Id);
        Assert.Equal(image.Id, _store.Images.Resolve(image.ShortId).Id);
        Assert.Equal(image.Id, _store.Images.Resolve("busybox@" + image.ManifestDigest).Id);
        Assert.Equal(image.Id, _store.Images.Resolve(image.ManifestDigest!).Id);
        Assert.Null(_store.Images.TryResolve(hex[..2]));
        Assert.Null(_store.Images.TryResolve("busybox:other"));
        Assert.Null(_store.Images.TryResolve("sha256:" + new string('f', 64)));
    }

    [Fact]
    public void AmbiguousShortIdIsRefused()
    {
        // Find, in memory, two configs whose digests share their first three hex digits, then import just those two.
        var layer = TestImages.MarkerLayerTar("tiny");
        var diffIds = new[] { TestImages.DigestOf(layer) };
        var byPrefix = new Dictionary<string, string>();
        var pair = new List<string>();
        for (var i = 0; pair.Count == 0; i++)
        {
            var marker = "m" + i;
            var prefix = TestImages.Hex(TestImages.ConfigJson(diffIds, marker))[..3];
            if (!byPrefix.TryAdd(prefix, marker))
            {
                pair.AddRange([byPrefix[prefix], marker]);
            }
        }
        var files = new List<(string, byte[])> { ("layer.tar", layer) };
        var manifest = new List<object>();
        foreach (var marker in pair)
        {
            files.Add((marker + ".json", TestImages.ConfigJson(diffIds, marker)));
            manifest.Add(new { Config = marker + ".json", RepoTags = new[] { marker + ":1" }, Layers = new[] { "layer.tar" } });
        }
        files.Add(("manifest.json", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(manifest)));
        var archive = _store.PathFor("pair.tar");
        TestImages.WriteTar(archive, files);
        var images = _store.Images.Import(archive, null);
        var shared = images[0].Id["sha256:".Length..][..3];
        Assert.Equal(shared, images[1].Id["sha256:".Length..][..3]);

        var error = Assert.Throws<ContainerToolsException>(() => _store.Images.Resolve(shared));

        Assert.Equal("AmbiguousImageId", error.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(images[0].Id, _store.Images.Resolve(images[0].Id["sha256:".Length..][..12]).Id);
    }

    [Fact]
    public void TagAddsANameAndMovesItFromAnotherImage()
    {
        var first = _store.ImportTestImage("first", "first:1");
        var second = _store.ImportTestImage("second", "second:1");

        var tagged = _store.Images.Tag("first:1", "localhost:5000/team/app:v1");
        Assert.Equal(first.Id, tagged.Id);
        Assert.Contains(tagged.Names, n => n.ToString() == "localhost:5000/team/app:v1");

        _store.Images.Tag(second.ShortId, "localhost:5000/team/app:v1");

        Assert.Equal(second.Id, _store.Images.Resolve("localhost:5000/team/app:v1").Id);
        Assert.DoesNotContain(_store.Images.Resolve(first.Id).Names, n => n.Repository == "team/app");
    }

    [Fact]
    public void TagRefusesInvalidReference()
    {
        _store.ImportTestImage("t", "t:1");

        var error = Assert.Throws<ContainerToolsException>(() => _store.Images.Tag("t:1", "UPPER:case"));

        Assert.Equal("InvalidImageReference", error.ErrorId);
        Assert.Single(_store.Images.Resolve("t:1").Names);
    }

    [Fact]
    public void TagOfUnknownImageIsNotFound()
    {
        var error = Assert.Throws<ContainerToolsException>(() => _store.Images.Tag("ghost", "ghost:2"));

        Assert.Equal("ImageNotFound", error.ErrorId);
    }
}
