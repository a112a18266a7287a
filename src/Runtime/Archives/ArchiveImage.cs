using ContainerTools.Runtime.Images;

namespace ContainerTools.Runtime.Archives;

/// <summary>
/// One layer as an archive offers it: how to open its bytes and, when the archive says so, what they must hash to.
/// <see cref="Identity"/> names the bytes within the archive (a member name, a verified digest), so a file several images
/// list is read once; null when there is no such name.
/// </summary>
public sealed record ArchiveLayer(Func<Stream> Open, string? Digest, long? Size, string? MediaType, string? Identity = null);

/// <summary>
/// One image read out of an archive, not yet verified against the store: its config bytes, its manifest bytes when the
/// archive has one (OCI layouts; docker-archives do not), its layers lowest first and the names it carries.
/// </summary>
public sealed record ArchiveImage(
    byte[] Config,
    byte[]? Manifest,
    string? ManifestMediaType,
    IReadOnlyList<ArchiveLayer> Layers,
    IReadOnlyList<ImageReference> Names);
