using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Images;

public sealed class ImageRemovalTests : IDisposable
{
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void SharedLayerIsStoredOnceAndDeletedWithItsLastImage()
    {
        var one = _store.ImportTestImage("one", "one:1");
        var two = _store.ImportTestImage("two", "two:1");
        var baseLayer = one.Layers[0].DiffId;
        Assert.Equal(baseLayer, two.Layers[0].DiffId);
        Assert.Equal(3, _store.Images.Layers.List().Count());

        _store.Images.Remove("one:1", force: false);

        Assert.Null(_store.Images.TryResolve(one.Id));
        Assert.True(_store.Images.Layers.Exists(baseLayer));
        Assert.False(_store.Images.Layers.Exists(one.Layers[1].DiffId));
        Assert.True(_store.Images.Blobs.Exists(two.Layers[0].BlobDigest!));
        Assert.False(_store.Images.Blobs.Exists(one.Id));
        Assert.All(_store.Images.LayerDirectories(_store.Images.Resolve("two:1")), d => Assert.True(Directory.Exists(d)));

        _store.Images.Remove("two:1", force: false);

        Assert.Empty(_store.Images.List());
        Assert.Empty(_store.Images.Layers.List());
        Assert.Empty(_store.Images.Blobs.List());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_store.Root.TempDirectory));
    }

    [Fact]
    public void RemovingOneOfSeveralNamesOnlyUntags()
    {
        var image = _store.ImportTestImage("tags", "app:1", "app:2");

        _store.Images.Remove("app:1", force: false);

        var left = _store.Images.Resolve(image.Id);
        Assert.Equal("docker.io/library/app:2", Assert.Single(left.Names).ToString());
        Assert.Null(_store.Images.TryResolve("app:1"));
        Assert.All(_store.Images.LayerDirectories(left), d => Assert.True(Directory.Exists(d)));

        _store.Images.Remove("app:2", force: false);

        Assert.Empty(_store.Images.List());
    }

    [Fact]
    public void RemovingByIdDeletesTheImageWithAllItsNames()
    {
        var image = _store.ImportTestImage("byid", "x:1", "y:1");

        _store.Images.Remove(image.ShortId, force: false);

        Assert.Empty(_store.Images.List());
        Assert.Null(_store.Images.TryResolve("x:1"));
        Assert.Empty(_store.Images.Layers.List());
    }

    [Fact]
    public void LayerDirectoriesWithReadOnlyDirsAndWhiteoutsAreDeleted()
    {
        var image = _store.ImportTestImage("ro", "ro:1");
        var top = _store.Images.LayerDirectories(image)[1];
        var locked = Path.Combine(top, "locked");
        Directory.CreateDirectory(locked);
        File.WriteAllText(Path.Combine(locked, "file"), "x");
        TestImages.Run("mknod", Path.Combine(top, "whiteout"), "c", "0", "0");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        var outside = _store.PathFor("outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "keep"), "keep");
        Directory.CreateSymbolicLink(Path.Combine(top, "link-out"), outside);
        Directory.CreateSymbolicLink(Path.Combine(locked, "link-out"), outside);

        _store.Images.Remove("ro:1", force: false);

        Assert.False(Directory.Exists(top));
        Assert.True(File.Exists(Path.Combine(outside, "keep")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_store.Root.TempDirectory));
    }

    [Fact]
    public void HoldersPreventRemovalUnlessForced()
    {
        var image = _store.ImportTestImage("held", "held:1");
        _store.Images.AddHolder(image.Id, "container-1");
        Assert.Equal(["container-1"], _store.Images.Holders(image.Id));

        var error = Assert.Throws<ContainerToolsException>(() => _store.Images.Remove("held:1", force: false));

        Assert.Equal("ImageInUse", error.ErrorId);
        Assert.Equal(ErrorKind.InUse, error.Kind);
        Assert.NotNull(_store.Images.TryResolve("held:1"));

        _store.Images.RemoveHolder(image.Id, "container-1");
        Assert.Empty(_store.Images.Holders(image.Id));
        _store.Images.AddHolder(image.Id, "container-2");
        _store.Images.Remove("held:1", force: true);

        Assert.Null(_store.Images.TryResolve(image.Id));
        Assert.Empty(_store.Images.Holders(image.Id));
    }

    [Fact]
    public void UnknownImagesAreNotFound()
    {
        var remove = Assert.Throws<ContainerToolsException>(() => _store.Images.Remove("nothing:here", force: false));
        var resolve = Assert.Throws<ContainerToolsException>(() => _store.Images.Resolve("nothing"));
        var hold = Assert.Throws<ContainerToolsException>(() => _store.Images.AddHolder("sha256:" + new string('1', 64), "c"));

        Assert.Equal(("ImageNotFound", ErrorKind.NotFound), (remove.ErrorId, remove.Kind));
        Assert.Equal(("ImageNotFound", ErrorKind.NotFound), (resolve.ErrorId, resolve.Kind));
        Assert.Equal("ImageNotFound", hold.ErrorId);
    }
}
