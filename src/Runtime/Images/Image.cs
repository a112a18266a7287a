using ContainerTools.Runtime.Oci;

namespace ContainerTools.Runtime.Images;

/// <summary>One layer of a stored image: its uncompressed digest (diff id), the blob it came from, and its unpacked size.</summary>
public sealed record ImageLayer(string DiffId, string? BlobDigest, string? MediaType, long CompressedSize, long UnpackedSize);

/// <summary>
/// An image in the store. <see cref="Id"/> is the config digest (sha256:...), as Docker's image id;
/// <see cref="Names"/> are the fully qualified references that point at it.
/// </summary>
public sealed record Image
{
    public required string Id { get; init; }
    public IReadOnlyList<ImageReference> Names { get; init; } = [];
    /// <summary>Digest of the manifest the image was stored with (what a registry would call it).</summary>
    public string? ManifestDigest { get; init; }
    public required ImageConfig Config { get; init; }
    public IReadOnlyList<ImageLayer> Layers { get; init; } = [];
    /// <summary>Sum of the unpacked layers' sizes.</summary>
    public long Size => Layers.Sum(l => l.UnpackedSize);
    public DateTimeOffset? Created => Config.Created;
    public string ShortId => Id.StartsWith(Digest.Sha256Prefix, StringComparison.Ordinal) ? Id.Substring(Digest.Sha256Prefix.Length, 12) : Id;
}

/// <summary>Progress of a long image operation, one report per layer step.</summary>
public sealed record ImageProgress(string Activity, string Status, int Completed, int Total, string? LayerDigest = null);
