using System.Text.Json;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Oci;

namespace ContainerTools.Runtime.Archives;

/// <summary>
/// Reads the images of an OCI image layout (a directory or the tar of one): index.json names manifests, whose names come
/// from org.opencontainers.image.ref.name annotations; a nested index contributes its linux/amd64 manifest.
/// Every document read is checked against the digest and size its descriptor promises.
/// </summary>
public static class OciLayoutReader
{
    public const string LayoutFileName = "oci-layout";
    public const string IndexName = "index.json";
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";
    public const string ContainerdNameAnnotation = "io.containerd.image.name";
    private const int MaxIndexDepth = 4;

    public static bool IsLayout(IArchiveContent content) => content.Contains(LayoutFileName) && content.Contains(IndexName);

    public static IReadOnlyList<ArchiveImage> Read(IArchiveContent layout)
    {
        var index = OciJson.Parse<ImageIndex>(layout.ReadSmall(IndexName), $"index.json of '{layout.Source}'");
        var found = new List<(Descriptor Manifest, ImageReference? Name)>();
        foreach (var descriptor in index.Manifests)
        {
            if (descriptor.Platform is { } platform && !IsLinuxAmd64(platform))
            {
                continue;
            }
            var manifest = FindManifest(layout, descriptor, 0);
            found.Add((manifest, NameOf(descriptor)));
        }
        if (found.Count == 0)
        {
            throw new ContainerToolsException(ErrorIds.EmptyArchive, $"The layout '{layout.Source}' holds no linux/amd64 image.", layout.Source);
        }

        var images = new List<ArchiveImage>();
        foreach (var group in found.GroupBy(f => f.Manifest.Digest, StringComparer.Ordinal))
        {
            var descriptor = group.First().Manifest;
            var manifestBytes = ReadVerified(layout, descriptor);
            var manifest = OciJson.Parse<ImageManifest>(manifestBytes, $"manifest {descriptor.Digest}");
            var config = ReadVerified(layout, manifest.Config);
            var layers = manifest.Layers.Select(l => new ArchiveLayer(() => layout.Open(BlobName(layout, l.Digest)), l.Digest, l.Size, l.MediaType, l.Digest)).ToList();
            foreach (var layer in manifest.Layers)
            {
                if (!layout.Contains(BlobName(layout, layer.Digest)))
                {
                    throw new ContainerToolsException(ErrorIds.MissingArchiveEntry, $"The layout '{layout.Source}' lacks the layer blob {layer.Digest}.", layout.Source);
                }
            }
            var names = group.Select(g => g.Name).OfType<ImageReference>().Distinct().ToList();
            images.Add(new ArchiveImage(config, manifestBytes, manifest.MediaType ?? descriptor.MediaType, layers, names));
        }
        return images;
    }

    /// <summary>The manifest descriptor <paramref name="descriptor"/> leads to: itself, or the linux/amd64 entry of a (nested) index.</summary>
    private static Descriptor FindManifest(IArchiveContent layout, Descriptor descriptor, int depth)
    {
        if (MediaTypes.IsManifest(descriptor.MediaType))
        {
            return descriptor;
        }
        var bytes = ReadVerified(layout, descriptor);
        if (!MediaTypes.IsIndex(descriptor.MediaType) && !LooksLikeIndex(bytes))
        {
            return descriptor;
        }
        if (depth >= MaxIndexDepth)
        {
            throw new ContainerToolsException(ErrorIds.InvalidDocument, $"The layout '{layout.Source}' nests indexes too deeply.", layout.Source);
        }
        var index = OciJson.Parse<ImageIndex>(bytes, $"index {descriptor.Digest}");
        var choice = index.Manifests.FirstOrDefault(m => m.Platform is { } p && IsLinuxAmd64(p))
            ?? index.Manifests.FirstOrDefault(m => m.Platform is null)
            ?? throw new ContainerToolsException(ErrorIds.PlatformNotFound, $"The index {descriptor.Digest} in '{layout.Source}' has no linux/amd64 image.", layout.Source);
        return FindManifest(layout, choice, depth + 1);
    }

    private static bool LooksLikeIndex(byte[] json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("manifests", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsLinuxAmd64(Platform platform) => platform.Os == "linux" && platform.Architecture == "amd64";

    /// <summary>
    /// A ref.name with a repository ("busybox:1", "quay.io/a/b:t") names the image; a bare tag ("latest", as umoci writes)
    /// has no repository to attach to, so the image is imported without a name.
    /// </summary>
    private static ImageReference? NameOf(Descriptor descriptor)
    {
        var annotations = descriptor.Annotations;
        if (annotations is null)
        {
            return null;
        }
        if (annotations.TryGetValue(ContainerdNameAnnotation, out var full) && ImageReference.TryParse(full, out var fullName))
        {
            return fullName;
        }
        if (annotations.TryGetValue(RefNameAnnotation, out var refName) && (refName.Contains('/') || refName.Contains(':')))
        {
            return ImageReference.Parse(refName);
        }
        return null;
    }

    private static string BlobName(IArchiveContent layout, string digest)
    {
        if (!Digest.IsValid(digest))
        {
            throw new ContainerToolsException(ErrorIds.InvalidDigest, $"The layout '{layout.Source}' refers to '{digest}', which is not a sha256 digest.", layout.Source);
        }
        return "blobs/sha256/" + Digest.Hex(digest);
    }

    private static byte[] ReadVerified(IArchiveContent layout, Descriptor descriptor)
    {
        var bytes = layout.ReadSmall(BlobName(layout, descriptor.Digest));
        var actual = Digest.Of(bytes);
        if (actual != descriptor.Digest || (descriptor.Size > 0 && bytes.Length != descriptor.Size))
        {
            throw new ContainerToolsException(ErrorIds.DigestMismatch, $"The blob {descriptor.Digest} in '{layout.Source}' does not match its descriptor (content hashes to {actual}, {bytes.Length} bytes).", layout.Source);
        }
        return bytes;
    }
}
