using System.Formats.Tar;
using System.Text.Json;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Oci;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Archives;

/// <summary>
/// Writes a docker-archive as podman save does: manifest.json, repositories, HEX.json configs and HEX.tar uncompressed layers
/// named by diff id, each layer once however many images share it. docker load, podman load and skopeo read it.
/// </summary>
public static class DockerArchiveWriter
{
    public static void Write(Stream output, IReadOnlyList<ExportItem> items, BlobStore blobs, string scratchDirectory, IProgress<ImageProgress>? progress)
    {
        using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        var manifest = new List<DockerArchiveManifest>();
        var repositories = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        var written = new HashSet<string>(StringComparer.Ordinal);
        var total = items.Sum(i => i.Image.Layers.Count);
        var done = 0;
        foreach (var item in items)
        {
            var image = item.Image;
            var configName = Digest.Hex(image.Id) + ".json";
            if (written.Add(configName))
            {
                TarWriting.File(writer, configName, blobs.ReadAllBytes(image.Id));
            }
            var layerNames = new List<string>();
            for (var i = 0; i < image.Layers.Count; i++)
            {
                var layer = image.Layers[i];
                var layerName = Digest.Hex(layer.DiffId) + ".tar";
                layerNames.Add(layerName);
                progress?.Report(new ImageProgress("Exporting image", $"Writing layer {i + 1}/{image.Layers.Count} {layer.DiffId[..Math.Min(layer.DiffId.Length, 19)]}", done++, total, layer.DiffId));
                if (written.Add(layerName))
                {
                    WriteLayer(writer, layerName, layer, blobs, scratchDirectory);
                }
            }
            manifest.Add(new DockerArchiveManifest
            {
                Config = configName,
                // Fully qualified: podman load would put a short "busybox:latest" under localhost/; docker load accepts both.
                RepoTags = item.Names.Where(n => n.Tag is not null).Select(n => n.Name + ":" + n.Tag).ToList(),
                Layers = layerNames,
            });
            foreach (var name in item.Names.Where(n => n.Tag is not null && image.Layers.Count > 0))
            {
                if (!repositories.TryGetValue(name.Name, out var tags))
                {
                    repositories[name.Name] = tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
                }
                tags[name.Tag!] = Digest.Hex(image.Layers[^1].DiffId);
            }
        }
        TarWriting.File(writer, DockerArchiveReader.ManifestName, OciJson.Serialize(manifest));
        TarWriting.File(writer, "repositories", JsonSerializer.SerializeToUtf8Bytes(repositories));
    }

    /// <summary>Docker-archive layers are plain tars: a compressed blob is inflated into scratch first (tar headers need the length).</summary>
    private static void WriteLayer(TarWriter writer, string name, ImageLayer layer, BlobStore blobs, string scratchDirectory)
    {
        if (layer.BlobDigest is null || !blobs.Exists(layer.BlobDigest))
        {
            throw new ContainerToolsException(ErrorIds.BlobNotFound, $"The store lacks the blob of layer {layer.DiffId}; it cannot be exported.", layer.DiffId);
        }
        var blobPath = blobs.PathOf(layer.BlobDigest);
        if (!LayerCompression.IsCompressed(blobPath))
        {
            using var plain = new FileStream(blobPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            TarWriting.File(writer, name, plain);
            return;
        }
        var scratch = Path.Combine(scratchDirectory, $"layer-{Guid.NewGuid():N}.tar");
        try
        {
            using (var source = LayerCompression.OpenUncompressed(new FileStream(blobPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16)))
            using (var target = new FileStream(scratch, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                source.CopyTo(target);
            }
            using var inflated = new FileStream(scratch, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            TarWriting.File(writer, name, inflated);
        }
        finally
        {
            File.Delete(scratch);
        }
    }
}
