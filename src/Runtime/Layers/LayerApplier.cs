namespace ContainerTools.Runtime.Layers;

/// <summary>What applying one layer produced: its diff id (sha256 of the uncompressed tar) and the bytes it unpacked.</summary>
public sealed record LayerApplyResult(string DiffId, long UnpackedSize);

/// <summary>
/// Unpacks one layer tarball (gzip, zstd or plain, detected by magic bytes) into an empty directory,
/// turning OCI whiteouts into overlayfs whiteouts. Never writes outside <c>targetDirectory</c>.
/// </summary>
public static partial class LayerApplier
{
    // Contract: public static LayerApplyResult Apply(Stream layer, string targetDirectory, CancellationToken cancellationToken = default)
    // Throws ContainerToolsException(InvalidData, "CorruptLayer" | "UnsafeLayerEntry" ...) on a bad archive.
}
