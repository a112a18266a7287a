using System.Formats.Tar;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Oci;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Archives;

/// <summary>
/// Writes an oci-archive (the tar of an OCI image layout): oci-layout, index.json with one entry per name
/// (org.opencontainers.image.ref.name = the full reference) and blobs/sha256/HEX for manifests, configs and layers as stored.
/// </summary>
public static class OciArchiveWriter
{
    public static void Write(Stream output, IReadOnlyList<ExportItem> items, BlobStore blobs, IProgress<ImageProgress>? progress)
    {
        using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        TarWriting.File(writer, OciLayoutReader.LayoutFileName, """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray());
        TarWriting.Directory(writer, "blobs");
        TarWriting.Directory(writer, "blobs/sha256");
        var written = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<Descriptor>();
        var total = items.Sum(i => i.Image.Layers.Count);
        var done = 0;
        foreach (var item in items)
        {
            var image = item.Image;
            var manifestDigest = image.ManifestDigest ?? throw new OciRuntime.Errors.ContainerToolsException(OciRuntime.Errors.ErrorIds.BlobNotFound,
                $"The image {image.ShortId} has no stored manifest; it cannot be exported as an OCI archive.", image.Id);
            var manifestBytes = blobs.ReadAllBytes(manifestDigest);
            var manifest = OciJson.Parse<ImageManifest>(manifestBytes, $"manifest {manifestDigest}");
            WriteBlob(writer, blobs, manifestDigest, written);
            WriteBlob(writer, blobs, manifest.Config.Digest, written);
            for (var i = 0; i < manifest.Layers.Count; i++)
            {
                var layer = manifest.Layers[i];
                progress?.Report(new ImageProgress("Exporting image", $"Writing layer {i + 1}/{manifest.Layers.Count} {layer.Digest[..Math.Min(layer.Digest.Length, 19)]}", done++, total, layer.Digest));
                WriteBlob(writer, blobs, layer.Digest, written);
            }
            var descriptor = new Descriptor
            {
                MediaType = manifest.MediaType ?? MediaTypes.OciManifest,
                Digest = manifestDigest,
                Size = manifestBytes.Length,
                Platform = new Platform { Os = image.Config.Os, Architecture = image.Config.Architecture, Variant = image.Config.Variant },
            };
            if (item.Names.Count == 0)
            {
                entries.Add(descriptor);
            }
            foreach (var name in item.Names)
            {
                entries.Add(descriptor with { Annotations = new Dictionary<string, string> { [OciLayoutReader.RefNameAnnotation] = name.ToString() } });
            }
        }
        var index = new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = entries };
        TarWriting.File(writer, OciLayoutReader.IndexName, OciJson.Serialize(index));
    }

    private static void WriteBlob(TarWriter writer, BlobStore blobs, string digest, HashSet<string> written)
    {
        if (!written.Add(digest))
        {
            return;
        }
        using var blob = blobs.OpenRead(digest);
        TarWriting.File(writer, "blobs/sha256/" + Digest.Hex(digest), blob);
    }
}
