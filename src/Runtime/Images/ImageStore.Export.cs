using ContainerTools.Runtime.Archives;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Images;

// Writing images to a docker-archive or an oci-archive.
public sealed partial class ImageStore
{
    /// <summary>
    /// Writes the images to <paramref name="path"/> (through a temp file renamed into place). An image given by name carries
    /// that name; one given by id carries all its names.
    /// </summary>
    public void Export(IReadOnlyList<string> nameOrIds, string path, ArchiveFormat format, IProgress<ImageProgress>? progress)
    {
        if (nameOrIds.Count == 0)
        {
            throw new ContainerToolsException(ErrorIds.NoImageToExport, "Give at least one image to export.");
        }
        var items = ExportItems(nameOrIds);
        var fullPath = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(dir))
        {
            throw new ContainerToolsException(ErrorIds.DirectoryNotFound, $"The directory '{dir}' does not exist.", dir);
        }
        var temp = Path.Combine(dir, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        var scratch = Root.CreateTempDirectory("export");
        try
        {
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                if (format == ArchiveFormat.DockerArchive)
                {
                    DockerArchiveWriter.Write(output, items, Blobs, scratch, progress);
                }
                else
                {
                    OciArchiveWriter.Write(output, items, Blobs, progress);
                }
                output.Flush(flushToDisk: true);
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
            DirectoryRemover.TryRemove(scratch);
        }
    }

    private List<ExportItem> ExportItems(IReadOnlyList<string> nameOrIds)
    {
        var index = ReadReferenceIndex();
        var items = new List<ExportItem>();
        foreach (var nameOrId in nameOrIds)
        {
            var image = Resolve(nameOrId);
            var given = NameGiven(nameOrId, index, image.Id);
            var names = given is not null ? [ImageReference.Parse(given)] : image.Names;
            var existing = items.FindIndex(i => i.Image.Id == image.Id);
            if (existing >= 0)
            {
                items[existing] = items[existing] with { Names = items[existing].Names.Concat(names).Distinct().ToList() };
            }
            else
            {
                items.Add(new ExportItem(image, names.ToList()));
            }
        }
        return items;
    }
}
