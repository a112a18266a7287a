using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Layers;

internal static class LayerErrors
{
    public static ContainerToolsException Corrupt(string message, Exception? inner = null) =>
        new(ErrorIds.CorruptLayer, $"The layer is corrupt: {message}", null, inner);

    public static ContainerToolsException Unsafe(string entryName, string reason) =>
        new(ErrorIds.UnsafeLayerEntry, $"The layer entry '{entryName}' was refused: {reason}", entryName);

    /// <summary>What a malformed or cut-off archive throws from inside the tar reader or a decompressor.</summary>
    public static bool IsCorruptData(Exception e) => e is InvalidDataException or EndOfStreamException or FormatException
        or OverflowException or ZstdSharp.ZstdException or (ArgumentException and not ArgumentNullException);
}
