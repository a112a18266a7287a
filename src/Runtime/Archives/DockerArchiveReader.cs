using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Oci;

namespace ContainerTools.Runtime.Archives;

/// <summary>
/// Reads the images of a docker-archive (docker save / podman save / skopeo docker-archive:): manifest.json lists each
/// image's config file, tags and layer files; only those members are ever opened.
/// </summary>
public static class DockerArchiveReader
{
    public const string ManifestName = "manifest.json";

    public static IReadOnlyList<ArchiveImage> Read(IArchiveContent archive)
    {
        var entries = OciJson.Parse<List<DockerArchiveManifest>>(archive.ReadSmall(ManifestName), $"manifest.json of '{archive.Source}'");
        if (entries.Count == 0)
        {
            throw new ContainerToolsException(ErrorIds.EmptyArchive, $"The archive '{archive.Source}' holds no image.", archive.Source);
        }
        var images = new List<ArchiveImage>();
        foreach (var entry in entries)
        {
            var configName = MemberName.Require(entry.Config, archive.Source);
            var layers = entry.Layers.Select(layer => Layer(archive, MemberName.Require(layer, archive.Source))).ToList();
            var names = (entry.RepoTags ?? []).Select(ImageReference.Parse).ToList();
            images.Add(new ArchiveImage(archive.ReadSmall(configName), null, null, layers, names));
        }
        return images;
    }

    private static ArchiveLayer Layer(IArchiveContent archive, string name)
    {
        if (!archive.Contains(name))
        {
            throw new ContainerToolsException(ErrorIds.MissingArchiveEntry, $"The archive '{archive.Source}' has no layer file '{name}'.", archive.Source);
        }
        // Newer docker save names layer files by their digest (blobs/sha256/HEX): that is a digest to check too.
        string? digest = null;
        if (name.StartsWith("blobs/sha256/", StringComparison.Ordinal) && Digest.IsValid(Digest.Sha256Prefix + name["blobs/sha256/".Length..]))
        {
            digest = Digest.Sha256Prefix + name["blobs/sha256/".Length..];
        }
        return new ArchiveLayer(() => archive.Open(name), digest, null, null, archive.Source + "!" + name);
    }
}
