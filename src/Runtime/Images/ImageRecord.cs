using System.Text.Json.Serialization;

namespace ContainerTools.Runtime.Images;

/// <summary>
/// What the store remembers about one image, in images/records/HEX.json. The config and manifest themselves are blobs;
/// names live in the reference index, so tagging never rewrites a record.
/// </summary>
internal sealed record ImageRecord
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("manifestDigest")] public string? ManifestDigest { get; init; }
    [JsonPropertyName("manifestMediaType")] public string? ManifestMediaType { get; init; }
    [JsonPropertyName("layers")] public IReadOnlyList<ImageLayer> Layers { get; init; } = [];
    [JsonPropertyName("stored")] public DateTimeOffset Stored { get; init; }
    /// <summary>A build step's image (the build cache points at it): left out of listings while it has no name.</summary>
    [JsonPropertyName("intermediate")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool Intermediate { get; init; }
    /// <summary>
    /// The images this one was made from that should live as long as it does (docker's parent): a build step's image
    /// names the step before; a built image its stages' last images; a commit its container's image.
    /// </summary>
    [JsonPropertyName("parents")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Parents { get; init; }

    /// <summary>Every blob this image keeps alive: config, manifest and layer blobs.</summary>
    public IEnumerable<string> BlobDigests()
    {
        yield return Id;
        if (ManifestDigest is not null)
        {
            yield return ManifestDigest;
        }
        foreach (var layer in Layers)
        {
            if (layer.BlobDigest is not null)
            {
                yield return layer.BlobDigest;
            }
        }
    }
}
