using ContainerTools.Runtime.Archives;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Oci;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Registry;

/// <summary>An image pulled, with the reference it was pulled (and is now stored) under.</summary>
public sealed record PulledImage(ImageReference Reference, Image Image);

/// <summary>
/// docker pull: resolves a reference to a manifest (an index contributes the asked platform's), downloads the config
/// and the layers the store lacks (several at once, each verified against its digest and size), and stores the image
/// through the same stage-then-commit import as archives, so an interrupted pull leaves no partial image.
/// </summary>
public sealed class ImagePuller : IDisposable
{
    private const string Activity = "Pulling image";
    private const int MaxConfigSize = 32 << 20;
    private const long ProgressStep = 1 << 20;

    private static readonly HashSet<string> LayerMediaTypes =
    [
        MediaTypes.OciLayer, MediaTypes.OciLayerGzip, MediaTypes.OciLayerZstd, MediaTypes.DockerLayerGzip,
        "application/vnd.docker.image.rootfs.diff.tar",
    ];

    private readonly ImageStore _store;
    private readonly RegistryConfig _config;
    private readonly RegistryLogins _logins;
    private readonly PullCache _cache;
    private readonly Dictionary<RegistryEndpoint, RegistryClient> _clients = new();

    public ImagePuller(ImageStore store, RegistryConfig config, RegistryLogins logins)
    {
        _store = store;
        _config = config;
        _logins = logins;
        _cache = new PullCache(store.Root);
    }

    /// <summary>Every layer blob downloaded by this puller (tests check that a second pull downloads none).</summary>
    public int LayersDownloaded => _layersDownloaded;

    private int _layersDownloaded;

    /// <summary>Pulls one image; <paramref name="platform"/> picks from an index (linux/amd64 when null).</summary>
    public Image Pull(ImageReference reference, Platform? platform, IProgress<ImageProgress>? progress, CancellationToken cancellationToken)
    {
        _cache.RemoveStale();
        return FromEndpoints(reference.Registry, client => PullFrom(client, reference, platform ?? PlatformSelector.Default, progress, cancellationToken));
    }

    /// <summary>Pulls every tag of the reference's repository (docker pull --all-tags), in tag order.</summary>
    public IReadOnlyList<PulledImage> PullAllTags(ImageReference repository, Platform? platform, IProgress<ImageProgress>? progress, CancellationToken cancellationToken)
    {
        var tags = FromEndpoints(repository.Registry, client => client.ListTags(repository.Repository, cancellationToken));
        if (tags.Count == 0)
        {
            throw RegistryErrors.ImageNotFound(repository.Name, "the repository has no tags");
        }
        return tags.Order(StringComparer.Ordinal)
            .Select(tag => repository.WithTag(tag))
            .Select(reference => new PulledImage(reference, Pull(reference, platform, progress, cancellationToken)))
            .ToList();
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
        _clients.Clear();
    }

    /// <summary>Tries the registry's mirrors in order, then the registry; a mirror that fails or lacks the image is skipped.</summary>
    private T FromEndpoints<T>(string registry, Func<RegistryClient, T> action)
    {
        var endpoints = _config.PullEndpoints(registry);
        for (var i = 0; ; i++)
        {
            try
            {
                return action(ClientFor(endpoints[i]));
            }
            catch (ContainerToolsException ex) when (endpoints[i].IsMirror && i + 1 < endpoints.Count
                && ex.Kind is ErrorKind.ConnectionError or ErrorKind.NotFound or ErrorKind.AuthenticationError or ErrorKind.ResourceUnavailable)
            {
            }
        }
    }

    private RegistryClient ClientFor(RegistryEndpoint endpoint)
    {
        if (!_clients.TryGetValue(endpoint, out var client))
        {
            client = new RegistryClient(endpoint, _logins.For(endpoint.Registry));
            _clients[endpoint] = client;
        }
        return client;
    }

    private Image PullFrom(RegistryClient client, ImageReference reference, Platform platform, IProgress<ImageProgress>? progress, CancellationToken cancellationToken)
    {
        var repository = reference.Repository;
        var name = reference.ToString();
        progress?.Report(new ImageProgress(Activity, $"Resolving {reference.FamiliarString}", 0, 0));
        var manifest = client.GetManifest(repository, reference.Digest ?? reference.Tag!, cancellationToken);
        if (MediaTypes.IsIndex(manifest.MediaType))
        {
            var index = OciJson.Parse<ImageIndex>(manifest.Content, $"image index of {name}");
            var chosen = PlatformSelector.Select(index, platform, name);
            Digest.Hex(chosen.Digest);
            manifest = client.GetManifest(repository, chosen.Digest, cancellationToken);
            if (!MediaTypes.IsManifest(manifest.MediaType))
            {
                throw Unsupported(name, $"its {PlatformSelector.Format(platform)} entry is a {manifest.MediaType}, not an image manifest");
            }
        }
        var document = ParseManifest(manifest, name);
        var config = FetchConfig(client, repository, document.Config, cancellationToken);

        var layers = document.Layers;
        var total = layers.Count;
        var present = layers.Where(l => _store.Blobs.Exists(l.Digest) || _cache.Contains(l.Digest)).ToList();
        var done = present.Count;
        foreach (var layer in present)
        {
            progress?.Report(new ImageProgress(Activity, $"{Abbreviate(layer.Digest)}: already exists", done, total, layer.Digest));
        }

        // Each layer is read once, straight from the registry (or the store, or what an interrupted pull verified) into
        // the import's staging: its blob is written and verified while it is unpacked, a few layers at a time.
        var image = new ArchiveImage(
            config,
            manifest.Content,
            manifest.MediaType,
            layers.Select(l => new ArchiveLayer(() => OpenLayer(l), l.Digest, l.Size, l.MediaType, l.Digest)).ToList(),
            [reference]);
        var stored = _store.Import(image, name, progress, cancellationToken, _config.MaxConcurrentDownloads, KeepForNextPull);
        foreach (var digest in layers.Select(l => l.Digest).Distinct())
        {
            _cache.Remove(digest);
        }
        progress?.Report(new ImageProgress(Activity, $"Pulled {reference.FamiliarString} ({stored.ShortId})", total, total));
        return stored;

        void OnDownloaded(Descriptor layer)
        {
            var completed = Interlocked.Increment(ref done);
            Interlocked.Increment(ref _layersDownloaded);
            progress?.Report(new ImageProgress(Activity, $"{Abbreviate(layer.Digest)}: download complete ({Bytes(layer.Size)})", completed, total, layer.Digest));
        }

        // A layer's bytes for staging: from the store, the pull cache, or the registry.
        Stream OpenLayer(Descriptor layer)
        {
            try
            {
                return _store.Blobs.OpenRead(layer.Digest);
            }
            catch (ContainerToolsException ex) when (ex.ErrorId == "BlobNotFound")
            {
            }
            if (_cache.TryOpen(layer.Digest) is { } cached)
            {
                return cached;
            }
            // Also when a concurrent removal took the blob since the pull looked: it is downloaded again.
            progress?.Report(new ImageProgress(Activity, $"{Abbreviate(layer.Digest)}: downloading ({Bytes(layer.Size)})", Volatile.Read(ref done), total, layer.Digest));
            var body = Network(client, () => client.OpenBlob(repository, layer.Digest, cancellationToken));
            return new LayerDownloadStream(body, client.Endpoint.Registry, layer.Size, ProgressStep,
                read => progress?.Report(new ImageProgress(Activity, $"{Abbreviate(layer.Digest)}: downloading {Bytes(read)} of {Bytes(layer.Size)}", Volatile.Read(ref done), total, layer.Digest)),
                _ => OnDownloaded(layer));
        }
    }

    /// <summary>A layer blob verified by a pull that then failed: kept (invisible to the store) so the next pull need not download it again.</summary>
    private void KeepForNextPull(StagedBlob blob)
    {
        if (!_store.Blobs.Exists(blob.Digest))
        {
            _cache.Keep(blob);
        }
    }

    private static ImageManifest ParseManifest(RegistryManifest manifest, string name)
    {
        if (!MediaTypes.IsManifest(manifest.MediaType))
        {
            throw Unsupported(name, $"its manifest is a {manifest.MediaType}");
        }
        var document = OciJson.Parse<ImageManifest>(manifest.Content, $"manifest of {name}");
        if (document.SchemaVersion != 2 || document.Config is null || document.Layers is null)
        {
            throw new ContainerToolsException(ErrorIds.InvalidDocument, $"The manifest of {name} is not a schema 2 image manifest with a config and layers.", name);
        }
        if (document.Config.MediaType is not (MediaTypes.OciConfig or MediaTypes.DockerConfig))
        {
            throw Unsupported(name, $"its config is a '{document.Config.MediaType}', not an image config (an artifact rather than an image?)");
        }
        foreach (var descriptor in document.Layers.Prepend(document.Config))
        {
            if (!Digest.IsValid(descriptor.Digest) || descriptor.Size < 0)
            {
                throw new ContainerToolsException(ErrorIds.InvalidDocument, $"The manifest of {name} lists '{descriptor.Digest}' ({descriptor.Size} bytes), which is not a sha256 digest and size.", name);
            }
        }
        var foreign = document.Layers.FirstOrDefault(l => !LayerMediaTypes.Contains(l.MediaType));
        if (foreign is not null)
        {
            throw Unsupported(name, $"its layer {foreign.Digest} is a '{foreign.MediaType}'");
        }
        return document;
    }

    private byte[] FetchConfig(RegistryClient client, string repository, Descriptor descriptor, CancellationToken cancellationToken)
    {
        if (_store.Blobs.Exists(descriptor.Digest))
        {
            return _store.Blobs.ReadAllBytes(descriptor.Digest);
        }
        if (descriptor.Size > MaxConfigSize)
        {
            throw new ContainerToolsException(ErrorIds.RegistryResponseTooLarge, $"The image config {descriptor.Digest} is {descriptor.Size} bytes; refusing configs over {MaxConfigSize >> 20} MiB.", descriptor.Digest);
        }
        using var memory = new MemoryStream();
        Network(client, () =>
        {
            using var source = client.OpenBlob(repository, descriptor.Digest, cancellationToken);
            using var hashing = new HashingStream(source, leaveOpen: true);
            var buffer = new byte[1 << 16];
            int n;
            while ((n = hashing.Read(buffer, 0, buffer.Length)) > 0 && memory.Length <= descriptor.Size)
            {
                memory.Write(buffer, 0, n);
            }
            if (memory.Length != descriptor.Size || hashing.Digest != descriptor.Digest)
            {
                throw new ContainerToolsException(ErrorIds.DigestMismatch, $"The content for {descriptor.Digest} does not match: the registry sent {memory.Length} bytes hashing to {hashing.Digest}.", descriptor.Digest);
            }
        });
        return memory.ToArray();
    }

    /// <summary>Network failures while reading a body (a cut connection) are RegistryConnectionFailed, like failures to connect.</summary>
    private static T Network<T>(RegistryClient client, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw RegistryErrors.ConnectionFailed(client.Endpoint.Registry, ex);
        }
    }

    private static void Network(RegistryClient client, Action action) => Network<bool>(client, () => { action(); return true; });

    private static ContainerToolsException Unsupported(string name, string why) =>
        new(ErrorIds.UnsupportedManifest, $"Cannot pull '{name}': {why}.", name);

    private static string Abbreviate(string digest) => digest.Length > Digest.Sha256Prefix.Length + 12 ? digest[Digest.Sha256Prefix.Length..(Digest.Sha256Prefix.Length + 12)] : digest;

    internal static string Bytes(long bytes) => bytes switch
    {
        >= 1_000_000_000 => $"{bytes / 1e9:0.##} GB",
        >= 1_000_000 => $"{bytes / 1e6:0.##} MB",
        >= 1_000 => $"{bytes / 1e3:0.##} kB",
        _ => $"{bytes} B",
    };
}
