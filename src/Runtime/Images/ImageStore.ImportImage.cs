using ContainerTools.Runtime.Archives;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Images;

// Storing one image whose parts come from elsewhere than an archive file (a registry pull), through the same two phases.
public sealed partial class ImageStore
{
    /// <summary>
    /// Stages and commits <paramref name="image"/> exactly as an archive import does: every blob verified, every new layer
    /// unpacked under tmp/, then all of it made visible under the lock, or none of it. <paramref name="source"/> names
    /// where the image came from in error messages. Up to <paramref name="maxConcurrentLayers"/> layers are read and
    /// unpacked at once. When the import fails, <paramref name="keepVerifiedBlob"/> is handed each layer blob that was
    /// verified before the failure (still in the staging directory, which is deleted afterwards): a pull keeps them for
    /// its next attempt.
    /// </summary>
    public Image Import(ArchiveImage image, string source, IProgress<ImageProgress>? progress, CancellationToken cancellationToken,
        int maxConcurrentLayers = DefaultConcurrentLayers, Action<StagedBlob>? keepVerifiedBlob = null)
    {
        RemoveStaleTemporaryFiles();
        var staging = Root.CreateTempDirectory("import");
        try
        {
            var options = new StagingOptions(maxConcurrentLayers, keepVerifiedBlob);
            var ids = Guarded(source, () => Commit(Stage([image], staging, options, progress, cancellationToken), staging, cancellationToken));
            return Resolve(ids[0]);
        }
        finally
        {
            DirectoryRemover.TryRemove(staging);
        }
    }
}
