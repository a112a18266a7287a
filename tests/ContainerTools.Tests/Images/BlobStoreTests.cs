using System.Text;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Images;

public sealed class BlobStoreTests : IDisposable
{
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void StoresContentUnderItsDigest()
    {
        var content = Encoding.UTF8.GetBytes("hello blobs");
        var digest = TestImages.DigestOf(content);

        var stored = _store.Images.Blobs.Put(new MemoryStream(content), digest, content.Length);

        Assert.Equal(digest, stored);
        Assert.Equal(Path.Combine(_store.Root.Path, "blobs", "sha256", TestImages.Hex(content)), _store.Images.Blobs.PathOf(digest));
        Assert.Equal(content, _store.Images.Blobs.ReadAllBytes(digest));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_store.Root.TempDirectory));
    }

    [Fact]
    public void RefusesContentThatDoesNotMatchItsDigestAndKeepsNothing()
    {
        var claimed = TestImages.DigestOf(Encoding.UTF8.GetBytes("what was promised"));

        var error = Assert.Throws<ContainerToolsException>(() => _store.Images.Blobs.Put(new MemoryStream(Encoding.UTF8.GetBytes("what arrived")), claimed));

        Assert.Equal("DigestMismatch", error.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.False(_store.Images.Blobs.Exists(claimed));
        Assert.Empty(_store.Images.Blobs.List());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_store.Root.TempDirectory));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(100)]
    public void RefusesContentOfTheWrongSize(long expectedSize)
    {
        var content = Encoding.UTF8.GetBytes("twelve bytes");

        var error = Assert.Throws<ContainerToolsException>(() => _store.Images.Blobs.Put(new MemoryStream(content), TestImages.DigestOf(content), expectedSize));

        Assert.Equal("DigestMismatch", error.ErrorId);
        Assert.Empty(_store.Images.Blobs.List());
    }

    [Fact]
    public void RefusesDigestsThatAreNotSha256()
    {
        var error = Assert.Throws<ContainerToolsException>(() => _store.Images.Blobs.PathOf("sha256:../../etc/passwd"));

        Assert.Equal("InvalidDigest", error.ErrorId);
    }

    [Fact]
    public void ReadingAMissingBlobIsNotFound()
    {
        var error = Assert.Throws<ContainerToolsException>(() => _store.Images.Blobs.OpenRead("sha256:" + new string('0', 64)));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }
}
