using ContainerTools.Runtime.Containers;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Maintenance;

/// <summary>What a reset removes (<see cref="StoreReset.Survey"/>) or removed (<see cref="StoreReset.Reset"/>).</summary>
public sealed record StoreContents(
    string StorePath,
    IReadOnlyList<string> Containers,
    IReadOnlyList<string> Images,
    IReadOnlyList<string> Networks,
    IReadOnlyList<string> Volumes,
    IReadOnlyList<HostObject> HostObjects)
{
    /// <summary>What could not be removed (the reset goes on past each failure).</summary>
    public IReadOnlyList<ContainerToolsException> Failures { get; init; } = [];

    public override string ToString() =>
        $"{Containers.Count} container(s), {Images.Count} image(s), {Networks.Count} network(s), {Volumes.Count} volume(s) and {HostObjects.Count} host object(s) of store {StorePath}";
}

/// <summary>
/// Empties a store, as `podman system reset` does: every container (running ones killed), network, volume and image
/// through the engine's own removal, then every host object still carrying the store's mark (bridges, iptables rules,
/// mounts, monitors, cgroups: <see cref="StoreLeftovers"/>), then whatever files remain under the store's directory.
/// The directory itself stays, empty. Meant for a store no other session is using at the same time.
/// </summary>
public sealed class StoreReset(ContainerStore store)
{
    public StoreContents Survey() => new(
        store.Root.Path,
        List(() => store.List().Select(c => c.Name)),
        List(() => store.Images.List().Select(i => i.Names.Count > 0 ? i.Names[0].ToString() : i.Id)),
        List(() => store.Networks.List().Select(n => n.Name)),
        List(() => store.Volumes.List().Select(v => v.Name)),
        StoreLeftovers.Of(store.Root.Path).Objects);

    public StoreContents Reset()
    {
        var before = Survey();
        var failures = new List<ContainerToolsException>();
        void Attempt(Action action)
        {
            try
            {
                action();
            }
            catch (ContainerToolsException ex)
            {
                failures.Add(ex);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SystemCallException)
            {
                failures.Add(new ContainerToolsException(ErrorIds.StoreResetFailed, ex.Message, store.Root.Path));
            }
        }
        // A killed build's COPY mounts are not marked as a container's are: unmounted here, before files are removed.
        Attempt(() => Build.BuildStaging.RemoveAbandoned(store));
        foreach (var container in SafeList(() => store.List()))
        {
            Attempt(() => store.Remove(container.Id, force: true));
        }
        foreach (var network in SafeList(() => store.Networks.List()))
        {
            Attempt(() => store.Networks.Remove(network.Name, force: true));
        }
        foreach (var volume in SafeList(() => store.Volumes.List()))
        {
            Attempt(() => store.Volumes.Remove(volume.Name, force: true));
        }
        foreach (var image in SafeList(() => store.Images.List()))
        {
            Attempt(() => store.Images.Remove(image.Id, force: true));
        }
        Attempt(() => StoreLeftovers.Of(store.Root.Path).Remove());
        Attempt(RemoveFiles);
        return before with { Failures = failures };
    }

    /// <summary>Everything under the store's directory; refused while something is mounted there (it would be deleted through the mount).</summary>
    private void RemoveFiles()
    {
        if (!Directory.Exists(store.Root.Path))
        {
            return;
        }
        var mounts = OverlayMount.MountsUnder(store.Root.Path).Where(m => m != store.Root.Path.TrimEnd('/')).ToList();
        if (mounts.Count > 0)
        {
            throw new ContainerToolsException(ErrorIds.StoreMountBusy,
                $"'{mounts[0]}' is still mounted; the store's files were left in place.", mounts[0]);
        }
        foreach (var entry in Directory.EnumerateFileSystemEntries(store.Root.Path))
        {
            if (Directory.Exists(entry) && !File.GetAttributes(entry).HasFlag(FileAttributes.ReparsePoint))
            {
                DirectoryRemover.Remove(entry);
            }
            else
            {
                File.Delete(entry);
            }
        }
    }

    private static IReadOnlyList<string> List(Func<IEnumerable<string>> list) => SafeList(() => list().ToList());

    private static IReadOnlyList<T> SafeList<T>(Func<IReadOnlyList<T>> list)
    {
        try
        {
            return list();
        }
        catch (ContainerToolsException)
        {
            return [];
        }
    }
}
