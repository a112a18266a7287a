using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Oci;

namespace ContainerTools.Runtime.Images;

// Listing and resolving images by name, id, id prefix or digest.
public sealed partial class ImageStore
{
    private const int MinimumIdPrefix = 3;

    public IReadOnlyList<Image> List()
    {
        var index = ReadReferenceIndex();
        return ReadAllRecords()
            .Where(r => !r.Intermediate || index.NamesOf(r.Id).Any())
            .OrderByDescending(r => r.Stored)
            .Select(r => TryToImage(r, index))
            .OfType<Image>()
            .ToList();
    }

    /// <summary>
    /// Finds an image by normalized name (busybox -> docker.io/library/busybox:latest), full id, "sha256:" or bare hex id prefix
    /// of at least 3 characters, or name@digest / a manifest digest. Null when nothing matches; throws on an ambiguous prefix.
    /// </summary>
    public Image? TryResolve(string nameOrId)
    {
        if (string.IsNullOrWhiteSpace(nameOrId))
        {
            return null;
        }
        var index = ReadReferenceIndex();
        var id = ResolveId(nameOrId.Trim(), index);
        return id is null || ReadRecord(id) is not { } record ? null : TryToImage(record, index);
    }

    public Image Resolve(string nameOrId) =>
        TryResolve(nameOrId) ?? throw new ContainerToolsException(ErrorIds.ImageNotFound, $"No image '{nameOrId}' in the store.", nameOrId);

    /// <summary>The unpacked layer directories of an image, lowest first (overlayfs wants them reversed in lowerdir).</summary>
    public IReadOnlyList<string> LayerDirectories(Image image)
    {
        var dirs = image.Layers.Select(l => Layers.PathOf(l.DiffId)).ToList();
        var missing = dirs.FirstOrDefault(d => !Directory.Exists(d));
        if (missing is not null)
        {
            throw new ContainerToolsException(ErrorIds.LayerNotFound, $"The image {image.ShortId} lacks its unpacked layer '{missing}'; remove and import the image again.", image.Id);
        }
        return dirs;
    }

    private Image? TryToImage(ImageRecord record, ReferenceIndex index)
    {
        try
        {
            return ToImage(record, index);
        }
        catch (ContainerToolsException ex) when (ex.ErrorId == "BlobNotFound")
        {
            // Removed by a concurrent process between reading the record and its config.
            return null;
        }
    }

    /// <summary>The image id <paramref name="nameOrId"/> designates, looking at names before short ids like docker does.</summary>
    private string? ResolveId(string nameOrId, ReferenceIndex index)
    {
        if (Digest.IsValid(nameOrId))
        {
            if (File.Exists(RecordPath(nameOrId)))
            {
                return nameOrId;
            }
            return ReadAllRecords().FirstOrDefault(r => r.ManifestDigest == nameOrId)?.Id;
        }
        if (IsHex(nameOrId) && nameOrId.Length == 64)
        {
            return ResolveId(Digest.Sha256Prefix + nameOrId, index);
        }

        if (!nameOrId.StartsWith(Digest.Sha256Prefix, StringComparison.Ordinal) && ImageReference.TryParse(nameOrId, out var reference))
        {
            var byName = ResolveName(reference!, index);
            if (byName is not null)
            {
                return byName;
            }
        }

        var prefix = nameOrId.StartsWith(Digest.Sha256Prefix, StringComparison.Ordinal) ? nameOrId[Digest.Sha256Prefix.Length..] : nameOrId;
        if (prefix.Length < MinimumIdPrefix || !IsHex(prefix))
        {
            return null;
        }
        var matches = ReadAllRecords().Where(r => Digest.Hex(r.Id).StartsWith(prefix, StringComparison.Ordinal)).Select(r => r.Id).ToList();
        return matches.Count switch
        {
            0 => null,
            1 => matches[0],
            _ => throw new ContainerToolsException(ErrorIds.AmbiguousImageId, $"The id prefix '{nameOrId}' matches {matches.Count} images; give more characters.", nameOrId),
        };
    }

    private string? ResolveName(ImageReference reference, ReferenceIndex index)
    {
        if (index.References.TryGetValue(reference.ToString(), out var id))
        {
            return id;
        }
        if (reference.Digest is null)
        {
            return null;
        }
        // name@digest: the image of that repository stored with that manifest (or, failing that, that config) digest.
        var candidates = ReadAllRecords().Where(r => r.ManifestDigest == reference.Digest || r.Id == reference.Digest).ToList();
        return candidates.FirstOrDefault(r => index.NamesOf(r.Id).Any(n => ImageReference.TryParse(n, out var name) && name!.Name == reference.Name))?.Id
            ?? candidates.FirstOrDefault()?.Id;
    }

    private static bool IsHex(string text) => text.Length > 0 && text.AsSpan().IndexOfAnyExcept("0123456789abcdef") < 0;
}
