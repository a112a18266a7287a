using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Oci;

namespace ContainerTools.Runtime.Registry;

/// <summary>What a push did: where the image went and the manifest digest the registry now serves it under.</summary>
public sealed record PushResult(ImageReference Reference, string ManifestDigest, Image Image, int BlobsUploaded, int BlobsMounted, int BlobsSkipped);

/// <summary>
/// docker push: every blob the registry lacks is mounted from another repository of the same registry that holds it (when
/// the image has a name there) or uploaded (in one PUT, or in PATCH chunks when large), then the manifest is PUT last,
/// byte for byte as stored, so its digest is the one the store knows.
/// </summary>
public sealed class ImagePusher : IDisposable
{
    private const string Activity = "Pushing image";

    private readonly ImageStore _store;
    private readonly RegistryConfig _config;
    private readonly RegistryLogins _logins;
    private readonly Dictionary<string, RegistryClient> _clients = new(StringComparer.Ordinal);

    public ImagePusher(ImageStore store, RegistryConfig config, RegistryLogins logins)
    {
        _store = store;
        _config = config;
        _logins = logins;
    }

    /// <summary>Pushes the stored image <paramref name="nameOrId"/> to <paramref name="target"/> (a tag, or the image's own manifest digest).</summary>
    public PushResult Push(string nameOrId, ImageReference target, IProgress<ImageProgress>? progress, CancellationToken cancellationToken)
    {
        var image = _store.Resolve(nameOrId);
        var manifestDigest = image.ManifestDigest
            ?? throw new ContainerToolsException(ErrorIds.ManifestNotFound, $"The image {image.ShortId} has no stored manifest to push.", image.Id);
        if (target.Digest is not null && target.Digest != manifestDigest)
        {
            throw new ContainerToolsException(ErrorIds.DigestMismatch with { Kind = ErrorKind.InvalidArgument }, $"The image {image.ShortId} has the manifest digest {manifestDigest}; it cannot be pushed as {target}.", target.ToString());
        }
        var manifestBytes = _store.Blobs.ReadAllBytes(manifestDigest);
        var manifest = OciJson.Parse<ImageManifest>(manifestBytes, $"manifest of {image.ShortId}");
        var mediaType = manifest.MediaType
            ?? (manifest.Config.MediaType == MediaTypes.DockerConfig ? MediaTypes.DockerManifest : MediaTypes.OciManifest);

        var client = ClientFor(target.Registry);
        var repository = target.Repository;
        var mountSources = image.Names
            .Where(n => n.Registry == target.Registry && n.Repository != repository)
            .Select(n => n.Repository)
            .Distinct()
            .ToList();
        var blobs = manifest.Layers.Append(manifest.Config).DistinctBy(d => d.Digest).ToList();
        int uploaded = 0, mounted = 0, skipped = 0;
        for (var i = 0; i < blobs.Count; i++)
        {
            var blob = blobs[i];
            var label = Abbreviate(blob.Digest);
            progress?.Report(new ImageProgress(Activity, $"{label}: preparing", i, blobs.Count, blob.Digest));
            if (!_store.Blobs.Exists(blob.Digest))
            {
                throw new ContainerToolsException(ErrorIds.BlobNotFound, $"The image {image.ShortId} lacks its blob {blob.Digest} in the store.", blob.Digest);
            }
            switch (PushBlob(client, repository, blob, mountSources, (done, size) =>
                progress?.Report(new ImageProgress(Activity, $"{label}: pushing {ImagePuller.Bytes(done)} of {ImagePuller.Bytes(size)}", i, blobs.Count, blob.Digest)), cancellationToken))
            {
                case BlobOutcome.Existed:
                    skipped++;
                    progress?.Report(new ImageProgress(Activity, $"{label}: layer already exists", i + 1, blobs.Count, blob.Digest));
                    break;
                case BlobOutcome.Mounted:
                    mounted++;
                    progress?.Report(new ImageProgress(Activity, $"{label}: mounted from another repository", i + 1, blobs.Count, blob.Digest));
                    break;
                default:
                    uploaded++;
                    progress?.Report(new ImageProgress(Activity, $"{label}: pushed ({ImagePuller.Bytes(blob.Size)})", i + 1, blobs.Count, blob.Digest));
                    break;
            }
        }
        var pushed = client.PutManifest(repository, target.Tag ?? target.Digest!, manifestBytes, mediaType, cancellationToken);
        progress?.Report(new ImageProgress(Activity, $"Pushed {target.FamiliarString}: digest {pushed}", blobs.Count, blobs.Count));
        return new PushResult(target, pushed, image, uploaded, mounted, skipped);
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
        _clients.Clear();
    }

    private enum BlobOutcome
    {
        Existed,
        Mounted,
        Uploaded,
    }

    private BlobOutcome PushBlob(RegistryClient client, string repository, Descriptor blob, IReadOnlyList<string> mountSources, Action<long, long> reportBytes, CancellationToken cancellationToken)
    {
        if (client.BlobExists(repository, blob.Digest, cancellationToken))
        {
            return BlobOutcome.Existed;
        }
        Uri? location = null;
        foreach (var source in mountSources)
        {
            location = client.MountBlob(repository, blob.Digest, source, cancellationToken);
            if (location is null)
            {
                return BlobOutcome.Mounted;
            }
            // The registry opened an upload instead (it lacks the blob there, or we may not read it): upload into that.
            break;
        }
        location ??= client.StartUpload(repository, cancellationToken);
        var size = new FileInfo(_store.Blobs.PathOf(blob.Digest)).Length;
        Stream Open() => _store.Blobs.OpenRead(blob.Digest);
        if (size >= _config.ChunkedUploadThreshold)
        {
            client.UploadChunks(repository, location, blob.Digest, size, Open, _config.ChunkSize, done => reportBytes(done, size), cancellationToken);
        }
        else
        {
            client.UploadWhole(repository, location, blob.Digest, size, Open, cancellationToken);
        }
        return BlobOutcome.Uploaded;
    }

    private RegistryClient ClientFor(string registry)
    {
        if (!_clients.TryGetValue(registry, out var client))
        {
            client = new RegistryClient(_config.Endpoint(registry), _logins.For(registry));
            _clients[registry] = client;
        }
        return client;
    }

    private static string Abbreviate(string digest) => digest.Length > Digest.Sha256Prefix.Length + 12 ? digest[Digest.Sha256Prefix.Length..(Digest.Sha256Prefix.Length + 12)] : digest;
}
