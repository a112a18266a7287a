using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Images;

// Untagging, deleting, and collecting the blobs and layers nothing references any more.
public sealed partial class ImageStore
{
    /// <summary>
    /// Like docker rmi: by a name when the image has other names, only that name goes. Otherwise the image record goes and
    /// its blobs and layers that no remaining image uses are deleted. An image with holders is refused unless <paramref name="force"/>.
    /// </summary>
    public void Remove(string nameOrId, bool force)
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
            File.Delete(RecordPath(id));
            DirectoryRemover.Remove(Path.Combine(HoldersDirectory, Oci.Digest.Hex(id)));

            var remaining = ReadAllRecords();
            var liveBlobs = remaining.SelectMany(r => r.BlobDigests()).ToHashSet(StringComparer.Ordinal);
            var liveLayers = remaining.SelectMany(r => r.Layers).Select(l => l.DiffId).ToHashSet(StringComparer.Ordinal);
            foreach (var blob in record.BlobDigests().Where(b => !liveBlobs.Contains(b)))
            {
                Blobs.Delete(blob);
            }
            foreach (var diffId in record.Layers.Select(l => l.DiffId).Distinct().Where(d => !liveLayers.Contains(d)))
            {
                // Renamed away under the lock; the slow recursive delete happens after it is released.
                var path = Layers.PathOf(diffId);
                if (Directory.Exists(path))
                {
                    var doomed = Path.Combine(Root.TempDirectory, $"deleted-layer-{Guid.NewGuid():N}");
                    Directory.Move(path, doomed);
                    doomedLayers.Add(doomed);
                }
            }
        }
        foreach (var doomed in doomedLayers)
        {
            DirectoryRemover.TryRemove(doomed);
        }
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
