using ContainerTools.Runtime.Archives;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Images;

// Storing one image whose parts come from elsewhere than an archive file (a registry pull), through the same two phases.
public sealed partial class ImageStore
{
    /// <summary>
    /// Stages and commits <paramref name="image"/> exactly as an archive import does: every blob verified, every new layer
    /// unpacked under tmp/, then all of it made visible under the lock, or none of it. <paramref name="source"/> names
    /// where the image came from in error messages.
    /// </summary>
    public Image Import(ArchiveImage image, string source, IProgress<ImageProgress>? progress, CancellationToken cancellationToken)
    {
        RemoveStaleTemporaryFiles();
        var staging = Root.CreateTempDirectory("import");
        try
        {
            var ids = Guarded(source, () => Commit(Stage([image], staging, progress, cancellationToken), staging, cancellationToken));
            return Resolve(ids[0]);
        }
        finally
        {
            DirectoryRemover.TryRemove(staging);
        }
    }
}
