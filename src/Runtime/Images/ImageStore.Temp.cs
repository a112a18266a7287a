using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Images;

// Scratch space of image operations that a crash (or a kill) left behind in tmp/.
public sealed partial class ImageStore
{
    private static readonly string[] TempPrefixes = ["import-", "export-", "deleted-layer-"];
    private static readonly TimeSpan StaleAfter = TimeSpan.FromHours(24);

    /// <summary>Deletes this store's own scratch entries older than a day; a live import never stages that long without writing.</summary>
    public void RemoveStaleTemporaryFiles()
    {
        if (!Directory.Exists(Root.TempDirectory))
        {
            return;
        }
        var cutoff = DateTime.UtcNow - StaleAfter;
        foreach (var entry in new DirectoryInfo(Root.TempDirectory).EnumerateFileSystemInfos())
        {
            if (TempPrefixes.Any(p => entry.Name.StartsWith(p, StringComparison.Ordinal)) && entry.LastWriteTimeUtc < cutoff)
            {
                DirectoryRemover.TryRemove(entry.FullName);
            }
        }
    }
}
