using ContainerTools.Runtime.Archives;
using ContainerTools.OciRuntime.Errors;
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

    /// <summary>Layers of one image staged at once, unless the caller says otherwise (a pull uses its download limit).</summary>
    public const int DefaultConcurrentLayers = 3;

    /// <summary>What a staging run is allowed: how many layers at once, and who gets the layer blobs it verified when it fails.</summary>
    private sealed record StagingOptions(int MaxConcurrentLayers, Action<StagedBlob>? KeepVerifiedBlob)
    {
        public static readonly StagingOptions Default = new(DefaultConcurrentLayers, null);
    }

    private IReadOnlyList<StagedImage> Stage(IReadOnlyList<ArchiveImage> images, string staging, IProgress<ImageProgress>? progress, CancellationToken cancellationToken) =>
        Stage(images, staging, StagingOptions.Default, progress, cancellationToken);

    private IReadOnlyList<StagedImage> Stage(IReadOnlyList<ArchiveImage> images, string staging, StagingOptions options, IProgress<ImageProgress>? progress, CancellationToken cancellationToken)
    {
        var verifiedBlobs = new System.Collections.Concurrent.ConcurrentQueue<StagedBlob>();
        try
        {
            return StageImages(images, staging, options, verifiedBlobs, progress, cancellationToken);
        }
        catch when (options.KeepVerifiedBlob is not null)
        {
            foreach (var blob in verifiedBlobs.Where(b => File.Exists(b.Path)))
            {
                options.KeepVerifiedBlob(blob);
            }
            throw;
        }
    }

    private IReadOnlyList<StagedImage> StageImages(IReadOnlyList<ArchiveImage> images, string staging, StagingOptions options,
        System.Collections.Concurrent.ConcurrentQueue<StagedBlob> verifiedBlobs, IProgress<ImageProgress>? progress, CancellationToken cancellationToken)
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
                throw new ContainerToolsException(ErrorIds.LayerCountMismatch, $"The image {configBlob.Digest} lists {diffIds.Count} valid diff ids in its config but has {image.Layers.Count} layers.", configBlob.Digest);
            }

            // A manifest that came with the image is staged (and flushed) now, while the disk is not yet busy with layers.
            var servedManifest = image.Manifest is null ? null : BlobStore.StageBytes(image.Manifest, staging);

            // One step per distinct source; the first source of a diff id the store lacks unpacks it, the others only
            // prove they are that layer. The steps run concurrently, each into its own staging files.
            var steps = new List<LayerStep>();
            var stepOf = new LayerStep?[image.Layers.Count];
            var reused = new StagedImageLayer?[image.Layers.Count];
            var unpacking = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < image.Layers.Count; i++)
            {
                var source = image.Layers[i];
                if (source.Identity is not null && layersBySource.TryGetValue((diffIds[i], source.Identity), out var known))
                {
                    reused[i] = known;
                    continue;
                }
                var earlier = source.Identity is null ? null : steps.FirstOrDefault(s => s.DiffId == diffIds[i] && s.Source.Identity == source.Identity);
                if (earlier is not null)
                {
                    stepOf[i] = earlier;
                    continue;
                }
                var unpack = !unpackedByDiffId.ContainsKey(diffIds[i]) && !Layers.Exists(diffIds[i]) && unpacking.Add(diffIds[i]);
                var step = new LayerStep(i, source, diffIds[i], unpack);
                steps.Add(step);
                stepOf[i] = step;
            }
            var count = image.Layers.Count;
            RunConcurrently(steps, options.MaxConcurrentLayers, cancellationToken, (step, token) =>
            {
                progress?.Report(new ImageProgress(ImportActivity, $"Applying layer {step.Index + 1}/{count} {Abbreviate(step.DiffId)}", Volatile.Read(ref completed), total, step.DiffId));
                step.Result = StageLayer(step, staging, verifiedBlobs, token);
                Interlocked.Increment(ref completed);
            });
            completed += count - steps.Count;

            var layers = new List<StagedImageLayer>();
            for (var i = 0; i < count; i++)
            {
                var layer = reused[i] ?? stepOf[i]!.Result!;
                if (layer.Unpacked is null && unpackedByDiffId.TryGetValue(layer.DiffId, out var unpackedEarlier))
                {
                    layer = layer with { Unpacked = unpackedEarlier };
                }
                else if (layer.Unpacked is null && steps.FirstOrDefault(s => s.DiffId == layer.DiffId && s.Result?.Unpacked is not null) is { } unpacker)
                {
                    layer = layer with { Unpacked = unpacker.Result!.Unpacked };
                }
                if (layer.Unpacked is not null)
                {
                    unpackedByDiffId[layer.DiffId] = layer.Unpacked;
                }
                if (image.Layers[i].Identity is { } identity)
                {
                    layersBySource[(layer.DiffId, identity)] = layer;
                }
                layers.Add(layer);
            }

            StagedBlob manifestBlob;
            string manifestMediaType;
            if (servedManifest is not null)
            {
                manifestBlob = servedManifest;
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

    /// <summary>One layer source to stage: its position in the image, the diff id the config promises, whether to unpack it.</summary>
    private sealed record LayerStep(int Index, ArchiveLayer Source, string DiffId, bool Unpack)
    {
        public StagedImageLayer? Result { get; set; }
    }

    /// <summary>
    /// Stores the layer's blob (verifying any digest the archive promised) and, in the same read of its source, unpacks
    /// it (or, for a layer the store has, only hashes it to prove it is that layer).
    /// </summary>
    private static StagedImageLayer StageLayer(LayerStep step, string staging, System.Collections.Concurrent.ConcurrentQueue<StagedBlob> verifiedBlobs, CancellationToken cancellationToken)
    {
        var layer = step.Source;
        using var stage = StreamingBlobStage.Start(layer.Open, staging, layer.Digest, layer.Size, cancellationToken);
        StagedLayer? unpacked = null;
        string actual;
        StagedBlob blob;
        try
        {
            try
            {
                using var reader = stage.OpenReader();
                if (step.Unpack)
                {
                    unpacked = LayerStore.Unpack(reader, staging, cancellationToken);
                    actual = unpacked.DiffId;
                }
                else
                {
                    actual = ContainerTools.Runtime.Layers.LayerDigest.Compute(reader);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A blob that is not what was promised (or a source that broke) explains a damaged layer best.
                stage.ThrowIfSourceFailed();
                throw;
            }
            blob = stage.Finish();
        }
        finally
        {
            // Even when this layer (or another) failed: a blob that was verified may still save the next pull a download.
            if (stage.StopAndGetVerified() is { } verified)
            {
                verifiedBlobs.Enqueue(verified);
            }
        }
        if (actual != step.DiffId)
        {
            if (unpacked is not null)
            {
                DirectoryRemover.TryRemove(unpacked.Path);
            }
            throw new ContainerToolsException(ErrorIds.DigestMismatch, $"The layer blob {blob.Digest} unpacks to {actual}, but the image config expects {step.DiffId}.", step.DiffId);
        }
        var mediaType = layer.MediaType ?? LayerCompression.MediaTypeOf(blob.Path);
        return new StagedImageLayer(step.DiffId, blob, mediaType, unpacked);
    }

    /// <summary>Runs the steps a few at a time; the first failure cancels the rest and is rethrown as it was.</summary>
    private static void RunConcurrently<T>(IReadOnlyList<T> steps, int maxConcurrency, CancellationToken cancellationToken, Action<T, CancellationToken> run)
    {
        if (steps.Count <= 1 || maxConcurrency <= 1)
        {
            foreach (var step in steps)
            {
                cancellationToken.ThrowIfCancellationRequested();
                run(step, cancellationToken);
            }
            return;
        }
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var next = -1;
        void Work()
        {
            int i;
            while (!failed.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < steps.Count)
            {
                try
                {
                    run(steps[i], failed.Token);
                }
                catch (Exception ex)
                {
                    errors.Enqueue(ex);
                    failed.Cancel();
                }
            }
        }
        // The calling thread works too: progress reported on it reaches the pipeline as it happens.
        var helpers = Enumerable.Range(0, Math.Min(maxConcurrency, steps.Count) - 1)
            .Select(_ => new Thread(Work) { IsBackground = true, Name = "layer stage" })
            .ToList();
        helpers.ForEach(t => t.Start());
        Work();
        helpers.ForEach(t => t.Join());
        cancellationToken.ThrowIfCancellationRequested();
        var first = errors.FirstOrDefault(e => e is not OperationCanceledException) ?? errors.FirstOrDefault();
        if (first is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
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
