using ContainerTools.Runtime.Archives;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Oci;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Images;

// Importing a plain root filesystem tarball as a one-layer image, like docker import.
public sealed partial class ImageStore
{
    public Image ImportRootFs(string tarPath, string reference, IProgress<ImageProgress>? progress) =>
        ImportRootFs(tarPath, reference, progress, CancellationToken.None);

    /// <summary>A rootfs tar (plain, gzip or zstd) becomes one layer with a minimal linux/amd64 config and no command.</summary>
    public Image ImportRootFs(string tarPath, string reference, IProgress<ImageProgress>? progress, CancellationToken cancellationToken)
    {
        ImageReference? name = string.IsNullOrWhiteSpace(reference) ? null : ImageReference.Parse(reference);
        var fullPath = Path.GetFullPath(tarPath);
        if (!File.Exists(fullPath))
        {
            throw new ContainerToolsException(ErrorIds.ArchiveNotFound, $"There is no file '{tarPath}'.", tarPath);
        }
        var staging = Root.CreateTempDirectory("import");
        try
        {
            var ids = Guarded(fullPath, () =>
            {
                var diffId = LayerCompression.DiffIdOf(fullPath);
                var now = DateTimeOffset.UtcNow;
                var config = new ImageConfig
                {
                    Created = now,
                    Architecture = "amd64",
                    Os = "linux",
                    RootFs = new RootFs { DiffIds = [diffId] },
                    History = [new HistoryEntry { Created = now, CreatedBy = "ContainerTools ImportRootFs", Comment = "Imported from " + Path.GetFileName(fullPath) }],
                };
                var layer = new ArchiveLayer(() => new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), null, null, null);
                var image = new ArchiveImage(OciJson.Serialize(config), null, null, [layer], name is null ? [] : [name]);
                var staged = Stage([image], staging, progress, cancellationToken);
                return Commit(staged, staging, cancellationToken);
            });
            return Resolve(ids[0]);
        }
        finally
        {
            DirectoryRemover.TryRemove(staging);
        }
    }
}
