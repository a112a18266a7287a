using ContainerTools.Runtime.Oci;
using ContainerTools.Runtime.Storage;
using ContainerTools.OciRuntime.Files;

namespace ContainerTools.Runtime.Images;

// Where records, the reference index and the store lock live, and how they are read and written.
public sealed partial class ImageStore
{
    private string RecordsDirectory => Path.Combine(Root.ImagesDirectory, "records");

    private string ReferenceIndexPath => Path.Combine(Root.ImagesDirectory, "repositories.json");

    private string HoldersDirectory => Path.Combine(Root.ImagesDirectory, "holders");

    private string RecordPath(string imageId) => Path.Combine(RecordsDirectory, Digest.Hex(imageId) + ".json");

    /// <summary>The one lock for records, the reference index, holders and garbage collection; never held while downloading or unpacking.</summary>
    private FileLock LockStore()
    {
        Root.EnsureCreated();
        return FileLock.Acquire(Path.Combine(Root.LocksDirectory, "store.lock"));
    }

    private ReferenceIndex ReadReferenceIndex()
    {
        if (OciRuntime.Linux.WholeFiles.TryRead(ReferenceIndexPath) is not { } bytes)
        {
            return new ReferenceIndex();
        }
        var index = OciJson.Parse<ReferenceIndex>(bytes, "image reference index");
        return new ReferenceIndex { References = new Dictionary<string, string>(index.References, StringComparer.Ordinal) };
    }

    private void WriteReferenceIndex(ReferenceIndex index) => AtomicFile.WriteAllBytes(ReferenceIndexPath, OciJson.Serialize(index));

    private ImageRecord? ReadRecord(string imageId)
    {
        return OciRuntime.Linux.WholeFiles.TryRead(RecordPath(imageId)) is { } bytes ? OciJson.Parse<ImageRecord>(bytes, "image record") : null;
    }

    private IReadOnlyList<ImageRecord> ReadAllRecords()
    {
        if (!Directory.Exists(RecordsDirectory))
        {
            return [];
        }
        var records = new List<ImageRecord>();
        foreach (var file in Directory.EnumerateFiles(RecordsDirectory, "*.json"))
        {
            var id = Digest.Sha256Prefix + Path.GetFileNameWithoutExtension(file);
            if (Digest.IsValid(id) && ReadRecord(id) is { } record)
            {
                records.Add(record);
            }
        }
        return records;
    }

    private void WriteRecord(ImageRecord record) => AtomicFile.WriteAllBytes(RecordPath(record.Id), OciJson.Serialize(record));

    private Image ToImage(ImageRecord record, ReferenceIndex index)
    {
        var config = OciJson.Parse<ImageConfig>(Blobs.ReadAllBytes(record.Id), "image config");
        var names = index.NamesOf(record.Id)
            .Select(n => ImageReference.TryParse(n, out var r) ? r : null)
            .OfType<ImageReference>()
            .ToList();
        return new Image
        {
            Id = record.Id,
            Names = names,
            ManifestDigest = record.ManifestDigest,
            Config = config,
            Layers = record.Layers,
        };
    }
}
