namespace ContainerTools.Runtime.Layers;

/// <summary>
/// OCI whiteout names and their overlayfs form (what containerd's overlay snapshotter stores):
/// ".wh.NAME" becomes a 0/0 character device NAME; ".wh..wh..opq" marks its directory opaque with
/// trusted.overlay.opaque=y. Other ".wh..wh." names are AUFS bookkeeping and mean nothing here.
/// </summary>
internal static class Whiteouts
{
    public const string Prefix = ".wh.";
    public const string MetaPrefix = ".wh..wh.";
    public const string OpaqueMarker = ".wh..wh..opq";
    public const string OpaqueXattr = "trusted.overlay.opaque";

    /// <summary>overlayfs's own attributes are never taken from a layer: they would steer the mount itself.</summary>
    public static bool IsReservedXattr(string name) => name.StartsWith("trusted.overlay.", StringComparison.Ordinal);
}
