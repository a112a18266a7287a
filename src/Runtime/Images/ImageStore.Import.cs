using ContainerTools.Runtime.Archives;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Images;

// Importing docker-archives, OCI layout directories and oci-archives.
public sealed partial class ImageStore
{
    /// <summary>Imports every image of an archive, all or nothing; the archive kind is recognized by content.</summary>
    public IReadOnlyList<Image> Import(string path, IProgress<ImageProgress>? progress) => Import(path, progress, CancellationToken.None);

    public IReadOnlyList<Image> Import(string path, IProgress<ImageProgress>? progress, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(path);
        RemoveStaleTemporaryFiles();
        var staging = Root.CreateTempDirectory("import");
        try
        {
            var ids = Guarded(fullPath, () =>
            {
                var (_, images) = ArchiveReader.Read(fullPath, staging);
                var staged = Stage(images, staging, progress, cancellationToken);
                return Commit(staged, staging, cancellationToken);
            });
            return ids.Select(id => Resolve(id)).ToList();
        }
        finally
        {
            DirectoryRemover.TryRemove(staging);
        }
    }

    /// <summary>Turns the I/O errors a damaged archive causes (truncation, bad compression) into one clear error.</summary>
    private static T Guarded<T>(string source, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or ZstdSharp.ZstdException)
        {
            throw new ContainerToolsException(ErrorIds.CorruptArchive, $"'{source}' is damaged: {ex.Message}", source, ex);
        }
    }
}
