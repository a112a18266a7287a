namespace ContainerTools.Runtime.Storage;

/// <summary>
/// The directory that holds every image, layer and container of one store.
/// Tests give each test its own root through CONTAINERTOOLS_ROOT.
/// </summary>
public sealed class StoreRoot
{
    public const string EnvironmentVariable = "CONTAINERTOOLS_ROOT";
    public const string DefaultPath = "/var/lib/containertools";

    public StoreRoot(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
    }

    public static StoreRoot FromEnvironment()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return new StoreRoot(string.IsNullOrEmpty(fromEnv) ? DefaultPath : fromEnv);
    }

    public string Path { get; }

    /// <summary>Content-addressed blobs: blobs/sha256/HEX.</summary>
    public string BlobsDirectory => System.IO.Path.Combine(Path, "blobs");

    /// <summary>One unpacked directory per layer, named by the layer's diff id: layers/sha256/HEX.</summary>
    public string LayersDirectory => System.IO.Path.Combine(Path, "layers");

    /// <summary>Image records and the reference index.</summary>
    public string ImagesDirectory => System.IO.Path.Combine(Path, "images");

    /// <summary>One directory per container.</summary>
    public string ContainersDirectory => System.IO.Path.Combine(Path, "containers");

    /// <summary>Scratch space on the same filesystem as everything else, so a finished write is one rename away.</summary>
    public string TempDirectory => System.IO.Path.Combine(Path, "tmp");

    /// <summary>Lock files: one per resource that concurrent processes may change.</summary>
    public string LocksDirectory => System.IO.Path.Combine(Path, "locks");

    public void EnsureCreated()
    {
        // One stat when this process already made the tree: removing or renaming any of its directories changes the
        // root's mtime (and a root made again is another inode), so an unchanged root still holds all of them.
        var root = OciRuntime.Linux.DirectoryVersion.Of(Path);
        if (root is not null && Created.TryGetValue(Path, out var known) && known.Version == root) return;
        foreach (var dir in new[] { Path, BlobsDirectory, LayersDirectory, ImagesDirectory, ContainersDirectory, TempDirectory, LocksDirectory })
        {
            Directory.CreateDirectory(dir);
        }
        // Each container's directory in block groups of its own (as tmp/import-*, see CreateTempDirectory): a container
        // makes and deletes some thirty inodes, and without a journal ext4 skips every inode freed in the last 30 seconds
        // one lookup at a time when it allocates, so containers packed in one group pay for each other's churn.
        OciRuntime.Linux.DirectoryPlacement.TryMarkTopDirectory(ContainersDirectory);
        if (OciRuntime.Linux.DirectoryVersion.Of(Path) is { } made) Created[Path] = new MadeRoot(made);
    }

    /// <summary>The roots whose directories this process has made, as their root directory was then.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, MadeRoot> Created = new(StringComparer.Ordinal);

    // A class around the version: a dictionary of reference types runs the framework's precompiled shared code, where a
    // value-type value needs its own instantiation, JIT-compiled in every process (at tier 0, then twice more).
    private sealed record MadeRoot(OciRuntime.Linux.DirectoryVersion Version);

    /// <summary>
    /// A fresh, unique scratch directory under <see cref="TempDirectory"/>. On ext4 it is marked a top directory, so
    /// each layer unpacked in it gets block groups of its own: without a journal, ext4 skips over the inodes freed in
    /// the last half minute one by one for every new file, and a layer unpacked where another tree was just deleted
    /// would pay that scan for each of its thousands of files.
    /// </summary>
    public string CreateTempDirectory(string purpose)
    {
        EnsureCreated();
        var dir = System.IO.Path.Combine(TempDirectory, $"{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        OciRuntime.Linux.DirectoryPlacement.TryMarkTopDirectory(dir);
        return dir;
    }

    public override string ToString() => Path;
}
