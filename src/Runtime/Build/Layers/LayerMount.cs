using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Build.Layers;

/// <summary>
/// An image's layers as one writable tree, without a container: an overlay of the layer directories with an upper
/// and a work directory of its own under the build's staging directory. What is written lands in <see cref="Upper"/>,
/// the next layer. Dispose unmounts it and deletes the directories.
/// </summary>
public sealed class LayerMount : IDisposable
{
    private readonly string _directory;
    private bool _mounted;

    private LayerMount(string directory)
    {
        _directory = directory;
    }

    public string Merged => Path.Combine(_directory, "merged");
    public string Upper => Path.Combine(_directory, "upper");
    private string Work => Path.Combine(_directory, "work");
    private string Empty => Path.Combine(_directory, "empty");

    /// <param name="layerDirectories">Lowest first, as the image store lists them; none for scratch.</param>
    public static LayerMount Mount(IReadOnlyList<string> layerDirectories, string stagingDirectory)
    {
        var mount = new LayerMount(Path.Combine(stagingDirectory, $"mount-{Guid.NewGuid():N}"));
        foreach (var dir in new[] { mount.Merged, mount.Upper, mount.Work, mount.Empty })
        {
            Directory.CreateDirectory(dir);
        }
        var lower = layerDirectories.Count == 0 ? [mount.Empty] : layerDirectories.Reverse().ToList();
        try
        {
            OverlayMount.Mount(lower, mount.Upper, mount.Work, mount.Merged);
            mount._mounted = true;
        }
        catch
        {
            DirectoryRemover.TryRemove(mount._directory);
            throw;
        }
        return mount;
    }

    /// <summary>Unmounts the tree, leaving <see cref="Upper"/> to be read.</summary>
    public void Unmount()
    {
        if (_mounted)
        {
            OverlayMount.Unmount(Merged);
            _mounted = false;
        }
    }

    public void Dispose()
    {
        Unmount();
        DirectoryRemover.TryRemove(_directory);
    }
}
