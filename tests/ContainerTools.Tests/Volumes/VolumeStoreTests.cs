using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Storage;
using ContainerTools.Runtime.Volumes;

namespace ContainerTools.Tests.Volumes;

public sealed class VolumeStoreTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("ct-vol-");
    private readonly VolumeStore _store;

    public VolumeStoreTests() => _store = new VolumeStore(new StoreRoot(_root.FullName));

    public void Dispose() => DirectoryRemover.Remove(_root.FullName);

    [Fact]
    public void CreateListGetRemove()
    {
        var data = _store.Create("data");
        Assert.Equal(Path.Combine(_root.FullName, "volumes", "data", "_data"), data.Mountpoint);
        Assert.True(Directory.Exists(data.Mountpoint));
        if (!OperatingSystem.IsWindows()) Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(data.Mountpoint));
        File.WriteAllText(Path.Combine(data.Mountpoint, "kept"), "x");
        var anonymous = _store.Create();
        Assert.True(anonymous.Anonymous);
        Assert.Matches("^[0-9a-f]{64}$", anonymous.Name);
        Assert.Equal(new[] { "data", anonymous.Name }.Order(StringComparer.Ordinal), _store.List().Select(v => v.Name));
        Assert.Equal(data, _store.Get("data"));
        Assert.Equal(data, _store.GetOrCreate("data"));

        Assert.Equal("VolumeAlreadyExists", Assert.Throws<ContainerToolsException>(() => _store.Create("data")).ErrorId);
        Assert.Equal("VolumeNotFound", Assert.Throws<ContainerToolsException>(() => _store.Get("nope")).ErrorId);
        Assert.Equal("VolumeNotFound", Assert.Throws<ContainerToolsException>(() => _store.Remove("nope")).ErrorId);
        foreach (var bad in new[] { "", "../x", ".hidden", "a/b", "a b" })
        {
            Assert.Equal("InvalidVolumeName", Assert.Throws<ContainerToolsException>(() => _store.Create(bad)).ErrorId);
        }

        _store.Remove("data");
        Assert.False(Directory.Exists(Path.Combine(_root.FullName, "volumes", "data")));
        Assert.Equal([anonymous.Name], _store.List().Select(v => v.Name));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(Path.Combine(_root.FullName, "volumes")), p => Path.GetFileName(p).StartsWith('.'));
    }

    [Fact]
    public void RemoveRefusesAVolumeInUseUnlessForced()
    {
        _store.Create("shared");
        _store.AddUser("shared", "c1");
        _store.AddUser("shared", "c2");
        Assert.Equal(["c1", "c2"], _store.Users("shared"));
        var error = Assert.Throws<ContainerToolsException>(() => _store.Remove("shared"));
        Assert.Equal((ErrorKind.InUse, "VolumeInUse"), (error.Kind, error.ErrorId));

        Assert.Empty(_store.ReleaseAll("c1"));
        Assert.Equal(["c2"], _store.Users("shared"));
        _store.Remove("shared", force: true);
        Assert.Empty(_store.List());
    }

    [Fact]
    public void ReleasingTheLastUserOfAnAnonymousVolumeReportsIt()
    {
        var anonymous = _store.Create();
        _store.Create("named");
        _store.AddUser(anonymous.Name, "c1");
        _store.AddUser("named", "c1");
        Assert.Equal([anonymous.Name], _store.ReleaseAll("c1"));
        Assert.Empty(_store.Users("named"));
    }
}
