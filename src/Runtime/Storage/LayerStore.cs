using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Layers;
using ContainerTools.Runtime.Oci;

namespace ContainerTools.Runtime.Storage;

/// <summary>A layer unpacked into a staging directory, one rename away from layers/sha256/HEX.</summary>
public sealed record StagedLayer(string DiffId, long UnpackedSize, string Path);

/// <summary>
/// Unpacked layers under layers/sha256/HEX (HEX of the diff id). A layer directory is complete when it is visible:
/// layers are unpacked in a staging directory and renamed into place, and removed by renaming them away first.
/// Every image with the same diff id shares the one directory.
/// </summary>
public sealed class LayerStore
{
    private readonly StoreRoot _root;

    public LayerStore(StoreRoot root) => _root = root;

    public string PathOf(string diffId) => Path.Combine(_root.LayersDirectory, "sha256", Digest.Hex(diffId));

    public bool Exists(string diffId) => Digest.IsValid(diffId) && Directory.Exists(PathOf(diffId));

    /// <summary>Unpacks a layer blob (plain, gzip or zstd tar) into a new directory under <paramref name="stagingDirectory"/>.</summary>
    public static StagedLayer Unpack(Stream layer, string stagingDirectory, CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(stagingDirectory, $"layer-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        try
        {
            var result = LayerApplier.Apply(layer, path, cancellationToken);
            return new StagedLayer(result.DiffId, result.UnpackedSize, path);
        }
        catch
        {
            DirectoryRemover.TryRemove(path);
            throw;
        }
    }

    /// <summary>Moves a staged layer into place; returns false (and drops the staged copy) when the store already has it.</summary>
    public bool Commit(StagedLayer staged)
    {
        var target = PathOf(staged.DiffId);
        if (Directory.Exists(target))
        {
            DirectoryRemover.TryRemove(staged.Path);
            return false;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        Directory.Move(staged.Path, target);
        return true;
    }

    /// <summary>
    /// Removes a layer directory: first renamed into tmp/ (so no reader ever sees half a layer), then deleted,
    /// read-only directories and whiteout device nodes included.
    /// </summary>
    public void Delete(string diffId)
    {
        var path = PathOf(diffId);
        if (!Directory.Exists(path))
        {
            return;
        }
        _root.EnsureCreated();
        var doomed = Path.Combine(_root.TempDirectory, $"deleted-layer-{Guid.NewGuid():N}");
        Directory.Move(path, doomed);
        DirectoryRemover.Remove(doomed);
    }

    /// <summary>Bytes used by the files of an unpacked layer, for a layer whose size no record remembers.</summary>
    public long MeasureSize(string diffId)
    {
        var path = PathOf(diffId);
        if (!Directory.Exists(path))
        {
            throw new ContainerToolsException(ErrorIds.LayerNotFound, $"The layer {diffId} is not in the store.", diffId);
        }
        return new DirectoryInfo(path)
            .EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true })
            .Where(f => f.LinkTarget is null)
            .Sum(f => f.Length);
    }

    public IEnumerable<string> List()
    {
        var dir = Path.Combine(_root.LayersDirectory, "sha256");
        if (!Directory.Exists(dir))
        {
            return [];
        }
        return Directory.EnumerateDirectories(dir).Select(d => Digest.Sha256Prefix + Path.GetFileName(d)).Where(Digest.IsValid);
    }
}
