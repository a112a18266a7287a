using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Images;

/// <summary>What a build-cache prune removed: the intermediate images and the cache entries.</summary>
public sealed record BuildCachePruneResult(IReadOnlyList<string> RemovedImages, int RemovedEntries);

// The build cache's entries (build-cache/KEY holds an image id) go with the images they point at.
public sealed partial class ImageStore
{
    /// <summary>build-cache/ in the store: one file per step key, holding the id of the image that step made.</summary>
    public string BuildCacheDirectory => Path.Combine(Root.Path, "build-cache");

    /// <summary>
    /// Removes the intermediate images no image needs (a failed build's steps, the steps of an image that lost its
    /// names to a rebuild and was then removed) and every cache entry whose image is gone; with <paramref name="all"/>,
    /// every cache entry, so the next build runs every step.
    /// </summary>
    public BuildCachePruneResult PruneBuildCache(bool all)
    {
        List<string> doomedLayers;
        BuildCachePruneResult result;
        using (LockStore())
        {
            var entries = 0;
            if (all && Directory.Exists(BuildCacheDirectory))
            {
                foreach (var entry in Directory.EnumerateFiles(BuildCacheDirectory))
                {
                    File.Delete(entry);
                    entries++;
                }
            }
            var removed = DeleteUnneededIntermediates(ReadReferenceIndex(), null);
            entries += RemoveBuildCacheEntriesOf(null);
            doomedLayers = CollectGarbage(removed);
            result = new BuildCachePruneResult(removed.Select(r => r.Id).Order(StringComparer.Ordinal).ToList(), entries);
        }
        foreach (var doomed in doomedLayers)
        {
            DirectoryRemover.TryRemove(doomed);
        }
        return result;
    }

    /// <summary>Deletes the cache entries pointing at <paramref name="imageIds"/> (or, when null, at no stored image); returns how many.</summary>
    private int RemoveBuildCacheEntriesOf(IReadOnlySet<string>? imageIds)
    {
        if (imageIds is { Count: 0 } || !Directory.Exists(BuildCacheDirectory))
        {
            return 0;
        }
        var removed = 0;
        foreach (var entry in Directory.EnumerateFiles(BuildCacheDirectory))
        {
            string id;
            try
            {
                id = File.ReadAllText(entry).Trim();
            }
            catch (FileNotFoundException)
            {
                continue;
            }
            var dead = imageIds is null ? !Oci.Digest.IsValid(id) || !File.Exists(RecordPath(id)) : imageIds.Contains(id);
            if (dead)
            {
                File.Delete(entry);
                removed++;
            }
        }
        return removed;
    }
}
