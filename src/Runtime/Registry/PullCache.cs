using ContainerTools.Runtime.Oci;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Registry;

/// <summary>
/// Layer blobs a failed pull verified before it failed, in tmp/pull-blobs/HEX: invisible to the store, so an interrupted
/// pull leaves no partial image, yet the next pull of the same image does not download them again. A pull removes the
/// entries of its image once the image is committed; entries older than a day are dropped.
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

    /// <summary>Takes in a blob an import verified (moved, not copied: the import's staging is on the same file system).</summary>
    public void Keep(StagedBlob blob)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.Move(blob.Path, PathOf(blob.Digest), overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only a shortcut for the next pull.
        }
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
