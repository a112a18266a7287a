using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Oci;

namespace ContainerTools.Runtime.Images;

// Holders: whatever uses an image's layers (a container) leaves a file images/holders/IMAGEHEX/HOLDER so the image is not removed under it.
public sealed partial class ImageStore
{
    public void AddHolder(string imageId, string holderId)
    {
        var path = HolderPath(imageId, holderId);
        using (LockStore())
        {
            if (!File.Exists(RecordPath(imageId)))
            {
                throw new ContainerToolsException(ErrorIds.ImageNotFound, $"No image '{imageId}' in the store.", imageId);
            }
            WriteHolder(path);
        }
    }

    /// <summary>Adds the holder when the image is still stored; false when it is gone (removed by a concurrent prune).</summary>
    public bool TryAddHolder(string imageId, string holderId)
    {
        var path = HolderPath(imageId, holderId);
        using (LockStore())
        {
            if (!File.Exists(RecordPath(imageId)))
            {
                return false;
            }
            WriteHolder(path);
            return true;
        }
    }

    /// <summary>Drops <paramref name="holderId"/> from every image it holds (a build that ended, or died).</summary>
    public void RemoveHolderEverywhere(string holderId)
    {
        using (LockStore())
        {
            if (!Directory.Exists(HoldersDirectory))
            {
                return;
            }
            foreach (var dir in Directory.EnumerateDirectories(HoldersDirectory))
            {
                File.Delete(Path.Combine(dir, holderId));
                if (!Directory.EnumerateFileSystemEntries(dir).Any())
                {
                    Directory.Delete(dir);
                }
            }
        }
    }

    public void RemoveHolder(string imageId, string holderId)
    {
        var path = HolderPath(imageId, holderId);
        using (LockStore())
        {
            // The image's holders directory stays, empty, for its next container (an rmdir and a mkdir per run
            // saved); the image's removal deletes it.
            OciRuntime.Linux.WholeFiles.TryDelete(path);
        }
    }

    public IReadOnlyList<string> Holders(string imageId)
    {
        var dir = Path.Combine(HoldersDirectory, Digest.Hex(imageId));
        return Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    private static void WriteHolder(string path)
    {
        // The image's first holder makes its directory.
        OciRuntime.Linux.WholeFiles.WriteInPlaceMakingDirectory(path, []);
    }

    private string HolderPath(string imageId, string holderId)
    {
        if (string.IsNullOrEmpty(holderId) || holderId.Length > 255 || holderId is "." or ".." || holderId.Contains('/') || holderId.Contains('\0'))
        {
            throw new ContainerToolsException(ErrorIds.InvalidHolderId, $"'{holderId}' cannot name an image holder.", holderId);
        }
        return Path.Combine(HoldersDirectory, Digest.Hex(imageId), holderId);
    }
}
