using ContainerTools.Runtime.Archives;
using ContainerTools.Runtime.Errors;
using ContainerTools.Runtime.Oci;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Images;

// Importing in two phases. Staging (no lock): every blob is written and verified and every new layer unpacked under tmp/.
// Committing (under the store lock): staged blobs and layers are renamed into place, records written, and the reference
// index written last. A failure in either phase leaves nothing new visible.
public sealed partial class ImageStore
{
    private const string ImportActivity = "Importing image";

    private sealed record StagedImageLayer(string DiffId, StagedBlob Blob, string MediaType, StagedLayer? Unpacked);

    private sealed record StagedImage(string Id, StagedBlob Config, StagedBlob Manifest, string ManifestMediaType, IReadOnlyList<StagedImageLayer> Layers, List<ImageReference> Names);

    private IReadOnlyList<StagedImage> Stage(IReadOnlyList<ArchiveImage> images, string staging, IProgress<ImageProgress>? progress, CancellationToken cancellationToken)
    {
        var staged = new List<StagedImage>();
        var layersBySource = new Dictionary<(string DiffId, string Identity), StagedImageLayer>();
        var unpackedByDiffId = new Dictionary<string, StagedLayer>(StringComparer.Ordinal);
        var total = images.Sum(i => i.Layers.Count);
        var completed = 0;
        foreach (var image in images)
        {
            var configBlob = BlobStore.StageBytes(image.Config, staging);
            var same = staged.FirstOrDefault(s => s.Id == configBlob.Digest);
            if (same is not null)
            {
                same.Names.AddRange(image.Names.Where(n => !same.Names.Contains(n)));
                completed += image.Layers.Count;
                continue;
            }
            var config = OciJson.Parse<ImageConfig>(image.Config, $"image config {configBlob.Digest}");
            var diffIds = config.RootFs.DiffIds;
            if (diffIds.Count != image.Layers.Count || diffIds.Any(d => !Digest.IsValid(d)))
            {
                throw new ContainerToolsException(ErrorKind.InvalidData, "LayerCountMismatch",
                    $"The image {configBlob.Digest} lists {diffIds.Count} valid diff ids in its config but has {image.Layers.Count} layers.", configBlob.Digest);
            }

            var layers = new List<StagedImageLayer>();
            for (var i = 0; i < image.Layers.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var diffId = diffIds[i];
                progress?.Report(new ImageProgress(ImportActivity, $"Applying layer {i + 1}/{image.Layers.Count} {Abbreviate(diffId)}", completed, total, diffId));
                var source = image.Layers[i];
                if (source.Identity is null || !layersBySource.TryGetValue((diffId, source.Identity), out var layer))
                {
                    layer = StageLayer(source, diffId, staging, unpackedByDiffId, cancellationToken);
                    if (source.Identity is not null)
                    {
                        layersBySource[(diffId, source.Identity)] = layer;
                    }
                }
                layers.Add(layer);
                completed++;
            }

            StagedBlob manifestBlob;
            string manifestMediaType;
            if (image.Manifest is not null)
            {
                manifestBlob = BlobStore.StageBytes(image.Manifest, staging);
                manifestMediaType = image.ManifestMediaType ?? MediaTypes.OciManifest;
            }
            else
            {
                var manifest = new ImageManifest
                {
                    MediaType = MediaTypes.OciManifest,
                    Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = configBlob.Digest, Size = configBlob.Size },
                    Layers = layers.Select(l => new Descriptor { MediaType = l.MediaType, Digest = l.Blob.Digest, Size = l.Blob.Size }).ToList(),
                };
                manifestBlob = BlobStore.StageBytes(OciJson.Serialize(manifest), staging);
                manifestMediaType = MediaTypes.OciManifest;
            }
            staged.Add(new StagedImage(configBlob.Digest, configBlob, manifestBlob, manifestMediaType, layers, image.Names.Distinct().ToList()));
        }
        progress?.Report(new ImageProgress(ImportActivity, "Layers applied", total, total));
        return staged;
    }

    /// <summary>Stores the layer's blob (verifying any digest the archive promised) and unpacks it unless the store has that layer.</summary>
    private StagedImageLayer StageLayer(ArchiveLayer layer, string diffId, string staging, Dictionary<string, StagedLayer> unpackedByDiffId, CancellationToken cancellationToken)
    {
        StagedBlob blob;
        using (var source = layer.Open())
        {
            blob = BlobStore.Stage(source, staging, layer.Digest, layer.Size, cancellationToken);
        }
        var mediaType = layer.MediaType ?? LayerCompression.MediaTypeOf(blob.Path);
        StagedLayer? unpacked = null;
        string actual;
        if (Layers.Exists(diffId) || unpackedByDiffId.ContainsKey(diffId))
        {
            // Already unpacked (in the store or by this import): only check that this blob really is that layer.
            actual = LayerCompression.DiffIdOf(blob.Path);
            unpackedByDiffId.TryGetValue(diffId, out unpacked);
        }
        else
        {
            using var stream = new FileStream(blob.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            unpacked = LayerStore.Unpack(stream, staging, cancellationToken);
            actual = unpacked.DiffId;
            if (actual == diffId)
            {
                unpackedByDiffId[diffId] = unpacked;
            }
        }
        if (actual != diffId)
        {
            throw new ContainerToolsException(ErrorKind.InvalidData, "DigestMismatch",
                $"The layer blob {blob.Digest} unpacks to {actual}, but the image config expects {diffId}.", diffId);
        }
        return new StagedImageLayer(diffId, blob, mediaType, unpacked);
    }

    /// <summary>Makes staged images visible: blobs, layers, records, then the reference index, undoing its own steps on failure.</summary>
    private IReadOnlyList<string> Commit(IReadOnlyList<StagedImage> images, string staging, CancellationToken cancellationToken)
    {
        using var storeLock = LockStore();
        var index = ReadReferenceIndex();
        var known = ReadAllRecords().SelectMany(r => r.Layers).GroupBy(l => l.DiffId).ToDictionary(g => g.Key, g => g.First().UnpackedSize, StringComparer.Ordinal);
        var placedBlobs = new List<string>();
        var placedLayers = new List<string>();
        var writtenRecords = new List<string>();
        try
        {
            foreach (var image in images)
            {
                if (ReadRecord(image.Id) is null)
                {
                    foreach (var blob in new[] { image.Config, image.Manifest }.Concat(image.Layers.Select(l => l.Blob)).DistinctBy(b => b.Digest))
                    {
                        if (File.Exists(blob.Path) && Blobs.Commit(blob))
                        {
                            placedBlobs.Add(blob.Digest);
                        }
                    }
                    var layers = new List<ImageLayer>();
                    foreach (var layer in image.Layers)
                    {
                        var size = PlaceLayer(layer, staging, known, placedLayers, cancellationToken);
                        known[layer.DiffId] = size;
                        layers.Add(new ImageLayer(layer.DiffId, layer.Blob.Digest, layer.MediaType, layer.Blob.Size, size));
                    }
                    WriteRecord(new ImageRecord
                    {
                        Id = image.Id,
                        ManifestDigest = image.Manifest.Digest,
                        ManifestMediaType = image.ManifestMediaType,
                        Layers = layers,
                        Stored = DateTimeOffset.UtcNow,
                    });
                    writtenRecords.Add(image.Id);
                }
                foreach (var name in image.Names)
                {
                    index.References[name.ToString()] = image.Id;
                }
            }
            WriteReferenceIndex(index);
        }
        catch
        {
            foreach (var id in writtenRecords)
            {
                File.Delete(RecordPath(id));
            }
            foreach (var diffId in placedLayers)
            {
                Layers.Delete(diffId);
            }
            foreach (var digest in placedBlobs)
            {
                Blobs.Delete(digest);
            }
            throw;
        }
        return images.Select(i => i.Id).ToList();
    }

    /// <summary>Puts a layer directory in place (unless present) and returns its unpacked size.</summary>
    private long PlaceLayer(StagedImageLayer layer, string staging, Dictionary<string, long> known, List<string> placedLayers, CancellationToken cancellationToken)
    {
        var unpacked = layer.Unpacked;
        if (unpacked is not null && Directory.Exists(unpacked.Path))
        {
            if (Layers.Commit(unpacked))
            {
                placedLayers.Add(layer.DiffId);
                return unpacked.UnpackedSize;
            }
        }
        else if (!Layers.Exists(layer.DiffId))
        {
            // The layer was present while staging but removed since: unpack it now from the blob, rarely and under the lock.
            using var stream = Blobs.OpenRead(layer.Blob.Digest);
            var late = LayerStore.Unpack(stream, staging, cancellationToken);
            if (Layers.Commit(late))
            {
                placedLayers.Add(layer.DiffId);
            }
            return late.UnpackedSize;
        }
        return known.TryGetValue(layer.DiffId, out var size) ? size : unpacked?.UnpackedSize ?? Layers.MeasureSize(layer.DiffId);
    }

    private static string Abbreviate(string digest) => digest.Length > Digest.Sha256Prefix.Length + 12 ? digest[..(Digest.Sha256Prefix.Length + 12)] : digest;
}
