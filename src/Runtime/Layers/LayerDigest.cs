using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Layers;

/// <summary>The diff id of a layer stream (sha256 of its uncompressed tar) without unpacking it, reading forward only.</summary>
public static class LayerDigest
{
    /// <exception cref="Errors.ContainerToolsException">InvalidData "CorruptLayer" when the compression is damaged or cut off.</exception>
    public static string Compute(Stream layer)
    {
        try
        {
            using var decompression = LayerDecompression.Open(layer);
            // Decompressing runs ahead on its own thread, hashing on this one.
            using var tar = new HashingStream(new ReadAheadStream(decompression.Tar));
            tar.Drain(new byte[1 << 20]);
            decompression.VerifyComplete(tar.BytesRead);
            return tar.Digest;
        }
        catch (Exception e) when (LayerErrors.IsCorruptData(e))
        {
            throw LayerErrors.Corrupt(e.Message, e);
        }
    }
}
