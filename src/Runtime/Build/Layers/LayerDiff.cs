using ContainerTools.Runtime.Files;
using ContainerTools.Runtime.Images;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Build.Layers;

/// <summary>
/// Turns an overlay upper directory into an image layer: a PAX tar in ordinal order with overlay whiteouts as
/// <c>.wh.NAME</c> entries and opaque directories marked by <c>.wh..wh..opq</c>, mtimes clamped to
/// SOURCE_DATE_EPOCH when one is given; then the same tar unpacked as the store keeps layers.
/// </summary>
public static class LayerDiff
{
    /// <param name="skip">Entries to leave out (the runtime's mount stubs), by relative name.</param>
    public static BuiltLayer FromUpperDirectory(string upperDirectory, string stagingDirectory, DateTimeOffset? clampTime, IReadOnlySet<string> skip,
        CancellationToken cancellationToken, Func<int, int, (int Uid, int Gid)>? mapOwner = null)
    {
        var tarPath = Path.Combine(stagingDirectory, $"layer-{Guid.NewGuid():N}.tar");
        using (var output = new FileStream(tarPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            var rootFd = RootfsPath.OpenRoot(upperDirectory);
            try
            {
                using var writer = new TarTreeWriter(output, cancellationToken, new TarTreeOptions(OverlayWhiteouts: true, clampTime) { Skip = skip.Count == 0 ? null : skip.Contains, MapOwner = mapOwner });
                writer.WriteChildren(rootFd, "");
            }
            finally
            {
                FileDescriptors.Close(rootFd);
            }
            output.Flush(flushToDisk: true);
        }
        StagedLayer unpacked;
        using (var input = new FileStream(tarPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
        {
            unpacked = LayerStore.Unpack(input, stagingDirectory, cancellationToken);
        }
        return new BuiltLayer(new StagedBlob(unpacked.DiffId, new FileInfo(tarPath).Length, tarPath), unpacked);
    }

    /// <summary>Whether the upper directory holds any change at all, <paramref name="skip"/> aside.</summary>
    public static bool IsEmpty(string upperDirectory, IReadOnlySet<string> skip) =>
        Directory.EnumerateFileSystemEntries(upperDirectory).All(e => skip.Contains(Path.GetFileName(e)));
}
