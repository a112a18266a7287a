using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Layers;

/// <summary>What applying one layer produced: its diff id (sha256 of the uncompressed tar) and the bytes it unpacked.</summary>
public sealed record LayerApplyResult(string DiffId, long UnpackedSize);

/// <summary>
/// Unpacks one layer tarball (gzip, zstd or plain, detected by magic bytes) into an empty directory,
/// turning OCI whiteouts into overlayfs whiteouts. Never writes outside <c>targetDirectory</c>.
/// </summary>
public static partial class LayerApplier
{
    /// <summary>
    /// Reads <paramref name="layer"/> to its end (never seeking), unpacking it into <paramref name="targetDirectory"/>
    /// and hashing the uncompressed tar on the way.
    /// </summary>
    /// <exception cref="Errors.ContainerToolsException">InvalidData "CorruptLayer" for a damaged or cut-off archive,
    /// "UnsafeLayerEntry" for an entry that would reach outside the target.</exception>
    public static LayerApplyResult Apply(Stream layer, string targetDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentException.ThrowIfNullOrEmpty(targetDirectory);
        cancellationToken.ThrowIfCancellationRequested();

        using var root = RootedDirectory.Open(targetDirectory);
        using var decompression = LayerDecompression.Open(layer);
        // Decompressing and hashing run a few MiB ahead on a thread of their own; parsing and unpacking stay on this one.
        using var hashed = new HashingStream(decompression.Tar, leaveOpen: true);
        using var tar = new CapturingStream(new ReadAheadStream(hashed));
        var extraction = new LayerExtraction(root, tar, cancellationToken);
        extraction.Run();
        try
        {
            decompression.VerifyComplete(tar.BytesRead);
        }
        catch (Exception e) when (LayerErrors.IsCorruptData(e))
        {
            throw LayerErrors.Corrupt($"{decompression.Format}: {e.Message}", e);
        }
        // The unpacker drained the tar to its end, so the read-ahead thread has hashed all of it and stopped.
        return new LayerApplyResult(hashed.Digest, extraction.UnpackedSize);
    }
}
