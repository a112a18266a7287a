using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Images;

// Untagging, deleting, and collecting the blobs and layers nothing references any more.
public sealed partial class ImageStore
{
    /// <summary>
    /// Like docker rmi: by a name when the image has other names, only that name goes. Otherwise the image record goes,
    /// with the intermediate images it was built from that nothing else needs (and their build-cache entries), and the
    /// blobs and layers no remaining image uses are deleted. An image with holders is refused unless <paramref name="force"/>.
    /// </summary>
    /// <param name="keepParents">docker rmi --no-prune: leave the intermediate images it was built from.</param>
    public void Remove(string nameOrId, bool force, bool keepParents = false)
    {
        var doomedLayers = new List<string>();
        using (LockStore())
        {
            var index = ReadReferenceIndex();
            var id = ResolveId(nameOrId.Trim(), index)
                ?? throw new ContainerToolsException(ErrorIds.ImageNotFound, $"No image '{nameOrId}' in the store.", nameOrId);
            var record = ReadRecord(id)
                ?? throw new ContainerToolsException(ErrorIds.ImageNotFound, $"No image '{nameOrId}' in the store.", nameOrId);

            var names = index.NamesOf(id).ToList();
            var givenName = NameGiven(nameOrId, index, id);
            if (givenName is not null && names.Count > 1)
            {
                index.References.Remove(givenName);
                WriteReferenceIndex(index);
                return;
            }

            var holders = Holders(id);
            if (holders.Count > 0 && !force)
            {
                throw new ContainerToolsException(ErrorIds.ImageInUse, $"The image {nameOrId} is in use by {string.Join(", ", holders)}; remove those first or use force.", nameOrId);
            }

            foreach (var name in names)
            {
                index.References.Remove(name);
            }
            WriteReferenceIndex(index);
            DeleteRecord(id);

            var removed = new List<ImageRecord> { record };
            if (!keepParents)
            {
                // Only the intermediates this image was made from: a failed build's steps stay cached until a prune.
                var ancestors = Reach(record.Parents ?? [], ReadAllRecords());
                var intermediates = DeleteUnneededIntermediates(index, ancestors);
                RemoveBuildCacheEntriesOf(intermediates.Select(r => r.Id).ToHashSet(StringComparer.Ordinal));
                removed.AddRange(intermediates);
            }
            doomedLayers.AddRange(CollectGarbage(removed));
        }
        foreach (var doomed in doomedLayers)
        {
            DirectoryRemover.TryRemove(doomed);
        }
    }

    private void DeleteRecord(string id)
    {
        File.Delete(RecordPath(id));
        DirectoryRemover.Remove(Path.Combine(HoldersDirectory, Oci.Digest.Hex(id)));
        RemoveBuildCacheEntriesOf(new HashSet<string>(StringComparer.Ordinal) { id });
    }

    /// <summary>
    /// Deletes the intermediate records among <paramref name="candidates"/> (all of them when null) that no image still
    /// needs: one that is not intermediate, has a name or a holder, or reaches it through its parents. Returns them
    /// (their cache entries are the caller's to drop).
    /// </summary>
    private List<ImageRecord> DeleteUnneededIntermediates(ReferenceIndex index, ISet<string>? candidates)
    {
        var records = ReadAllRecords();
        var roots = records.Where(r => !r.Intermediate || index.NamesOf(r.Id).Any() || Holders(r.Id).Count > 0).Select(r => r.Id);
        var needed = Reach(roots, records);
        var doomed = records.Where(r => r.Intermediate && !needed.Contains(r.Id) && (candidates is null || candidates.Contains(r.Id))).ToList();
        foreach (var record in doomed)
        {
            File.Delete(RecordPath(record.Id));
            DirectoryRemover.Remove(Path.Combine(HoldersDirectory, Oci.Digest.Hex(record.Id)));
        }
        return doomed;
    }

    /// <summary><paramref name="starts"/> and every image they reach through parents.</summary>
    private static HashSet<string> Reach(IEnumerable<string> starts, IReadOnlyList<ImageRecord> records)
    {
        var byId = records.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(starts);
        while (pending.TryPop(out var id))
        {
            if (reached.Add(id) && byId.TryGetValue(id, out var record))
            {
                foreach (var parent in record.Parents ?? [])
                {
                    pending.Push(parent);
                }
            }
        }
        return reached;
    }

    /// <summary>
    /// Deletes the blobs and layers of <paramref name="removed"/> records that no remaining image uses. Layers are renamed
    /// away under the lock; the returned directories are for the caller to delete after releasing it.
    /// </summary>
    private List<string> CollectGarbage(IReadOnlyList<ImageRecord> removed)
    {
        var doomedLayers = new List<string>();
        var remaining = ReadAllRecords();
        var liveBlobs = remaining.SelectMany(r => r.BlobDigests()).ToHashSet(StringComparer.Ordinal);
        var liveLayers = remaining.SelectMany(r => r.Layers).Select(l => l.DiffId).ToHashSet(StringComparer.Ordinal);
        foreach (var blob in removed.SelectMany(r => r.BlobDigests()).Distinct().Where(b => !liveBlobs.Contains(b)))
        {
            Blobs.Delete(blob);
        }
        foreach (var diffId in removed.SelectMany(r => r.Layers).Select(l => l.DiffId).Distinct().Where(d => !liveLayers.Contains(d)))
        {
            var path = Layers.PathOf(diffId);
            if (Directory.Exists(path))
            {
                var doomed = Path.Combine(Root.TempDirectory, $"deleted-layer-{Guid.NewGuid():N}");
                Directory.Move(path, doomed);
                doomedLayers.Add(doomed);
            }
        }
        return doomedLayers;
    }

    /// <summary>The index key <paramref name="nameOrId"/> names, when it was given as a name rather than an id.</summary>
    private static string? NameGiven(string nameOrId, ReferenceIndex index, string id)
    {
        if (ImageReference.TryParse(nameOrId.Trim(), out var reference)
            && index.References.TryGetValue(reference!.ToString(), out var named) && named == id)
        {
            return reference.ToString();
        }
        return null;
    }
}
