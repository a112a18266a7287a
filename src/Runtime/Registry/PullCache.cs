using ContainerTools.Runtime.Oci;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Registry;

/// <summary>
/// Verified blobs a pull downloaded but has not committed yet, in tmp/pull-blobs/HEX: invisible to the store, so an
/// interrupted pull leaves no partial image, yet the next pull of the same image does not download them again.
/// A pull removes its entries once its image is committed; entries (and partial downloads) older than a day are dropped.
/// </summary>
internal sealed class PullCache
{
    private static readonly TimeSpan StaleAfter = TimeSpan.FromHours(24);

    public PullCache(StoreRoot root)
    {
        Directory = Path.Combine(root.TempDirectory, "pull-blobs");
    }

    public string Directory { get; }

    public string PathOf(string digest) => Path.Combine(Directory, Digest.Hex(digest));

    public bool Contains(string digest) => File.Exists(PathOf(digest));

    /// <summary>Downloads into a partial file (named blob-GUID by BlobStore.Stage), verified, then renamed to its digest.</summary>
    public void Add(Stream content, string digest, long size, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var staged = BlobStore.Stage(content, Directory, digest, size, cancellationToken);
        File.Move(staged.Path, PathOf(digest), overwrite: true);
    }

    public Stream? TryOpen(string digest)
    {
        try
        {
            return new FileStream(PathOf(digest), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public void Remove(string digest)
    {
        try { File.Delete(PathOf(digest)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public void RemoveStale()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return;
        }
        var cutoff = DateTime.UtcNow - StaleAfter;
        foreach (var file in new DirectoryInfo(Directory).EnumerateFiles())
        {
            if (file.LastWriteTimeUtc < cutoff)
            {
                try { file.Delete(); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }
}
