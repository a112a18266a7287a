using ContainerTools.Runtime.Oci;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Images;

/// <summary>A layer a build made: its uncompressed tar as a staged blob (so its digest is its diff id) and the same tar unpacked.</summary>
public sealed record BuiltLayer(StagedBlob Tar, StagedLayer Unpacked);

// Storing an image a build (or a commit) made: the parent's layers as they are in the store, plus at most one new layer.
public sealed partial class ImageStore
{
    /// <summary>
    /// Commits <paramref name="config"/> over <paramref name="parentLayers"/> (already in the store) and
    /// <paramref name="added"/> (staged under <paramref name="staging"/>), all or nothing, as an import commits.
    /// An <paramref name="intermediate"/> image is a build step's: it stays out of listings until it has a name.
    /// <paramref name="parents"/> are the images it was made from (kept while it lives, removed with it when nothing
    /// else needs them and they are intermediate). <paramref name="holder"/> holds it (a live build's steps).
    /// </summary>
    public Image CommitBuilt(byte[] config, IReadOnlyList<ImageLayer> parentLayers, BuiltLayer? added, IReadOnlyList<ImageReference> names,
        bool intermediate, string staging, CancellationToken cancellationToken = default, IReadOnlyList<string>? parents = null, string? holder = null)
    {
        var configBlob = BlobStore.StageBytes(config, staging);
        var layers = parentLayers
            .Select(l => new StagedImageLayer(l.DiffId, new StagedBlob(l.BlobDigest ?? l.DiffId, l.CompressedSize, Path.Combine(staging, "present-" + Guid.NewGuid().ToString("N"))),
                l.MediaType ?? MediaTypes.OciLayer, null))
            .ToList();
        if (added is not null)
        {
            layers.Add(new StagedImageLayer(added.Tar.Digest, added.Tar, MediaTypes.OciLayer, added.Unpacked));
        }
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = configBlob.Digest, Size = configBlob.Size },
            Layers = layers.Select(l => new Descriptor { MediaType = l.MediaType, Digest = l.Blob.Digest, Size = l.Blob.Size }).ToList(),
        };
        var manifestBlob = BlobStore.StageBytes(OciJson.Serialize(manifest), staging);
        var staged = new StagedImage(configBlob.Digest, configBlob, manifestBlob, MediaTypes.OciManifest, layers, names.Distinct().ToList());
        var existed = ReadRecord(configBlob.Digest) is not null;
        var id = Commit([staged], staging, cancellationToken)[0];
        using (LockStore())
        {
            if (ReadRecord(id) is { } record)
            {
                if (holder is not null)
                {
                    // Held from the moment it exists: a concurrent prune cannot take a live build's step away.
                    WriteHolder(HolderPath(id, holder));
                }
                var keepsIntermediate = existed && intermediate ? record.Intermediate : intermediate;
                var allParents = (record.Parents ?? []).Concat(parents ?? []).Where(p => p != id).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                if (keepsIntermediate != record.Intermediate || allParents.Count != (record.Parents?.Count ?? 0))
                {
                    WriteRecord(record with { Intermediate = keepsIntermediate, Parents = allParents.Count == 0 ? null : allParents });
                }
            }
        }
        return Resolve(id);
    }
}
