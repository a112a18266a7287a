using ContainerTools.Runtime.Containers;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Files;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Build;

/// <summary>
/// A build's (or a commit's) scratch directory, tmp/build-ID, owned through the lock tmp/build-ID.lock for as long as
/// its process lives: a build killed outright (SIGKILL) releases the lock with its file descriptors, so the next build
/// or a store reset can tell its leftovers (overlay mounts of COPY steps, RUN containers, its holds on the images its
/// steps made) from a live build's.
/// </summary>
public sealed class BuildStaging : IDisposable
{
    private const string Prefix = "build-";

    /// <summary>The label on a build's RUN containers: the staging directory's name, so a dead build's are found.</summary>
    public const string OwnerLabel = "io.containertools.build";

    private readonly FileLock _owner;
    private readonly string _lockPath;
    private readonly ContainerStore _containers;

    private BuildStaging(string path, string lockPath, FileLock owner, ContainerStore containers)
    {
        Path = path;
        _lockPath = lockPath;
        _owner = owner;
        _containers = containers;
    }

    public string Path { get; }

    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>Removes what dead builds left, then makes a staging directory owned by this process.</summary>
    public static BuildStaging Create(ContainerStore containers)
    {
        RemoveAbandoned(containers);
        containers.Root.EnsureCreated();
        var path = System.IO.Path.Combine(containers.Root.TempDirectory, $"{Prefix}{Guid.NewGuid():N}");
        // The lock exists (and is held) before the directory does, so no directory is ever without a live owner's lock.
        var owner = FileLock.Acquire(path + ".lock");
        Directory.CreateDirectory(path);
        DirectoryPlacement.TryMarkTopDirectory(path);
        return new BuildStaging(path, path + ".lock", owner, containers);
    }

    /// <summary>
    /// The staging directories whose owner is gone: their RUN containers removed, their holds on images dropped, their
    /// mounts unmounted (deepest first), the directories and locks deleted. Returns their names.
    /// </summary>
    public static IReadOnlyList<string> RemoveAbandoned(ContainerStore containers)
    {
        var temp = containers.Root.TempDirectory;
        if (!Directory.Exists(temp))
        {
            return [];
        }
        var removed = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories(temp, Prefix + "*"))
        {
            var lockPath = dir + ".lock";
            using var owner = FileLock.TryAcquire(lockPath);
            if (owner is null)
            {
                continue;
            }
            var name = System.IO.Path.GetFileName(dir);
            foreach (var container in containers.List().Where(c => c.Definition.Labels.TryGetValue(OwnerLabel, out var label) && label == name))
            {
                containers.Remove(container.Id, force: true);
            }
            foreach (var mount in OverlayMount.MountsUnder(dir).OrderByDescending(m => m.Length))
            {
                OverlayMount.Unmount(mount);
            }
            containers.Images.RemoveHolderEverywhere(name);
            DirectoryRemover.TryRemove(dir);
            File.Delete(lockPath);
            removed.Add(name);
        }
        return removed;
    }

    public void Dispose()
    {
        _containers.Images.RemoveHolderEverywhere(Name);
        DirectoryRemover.TryRemove(Path);
        File.Delete(_lockPath);
        _owner.Dispose();
    }
}
