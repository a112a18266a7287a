using ContainerTools.Runtime.Containers.Events;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.Runtime.Errors;
using ContainerTools.Runtime.Linux;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Containers;

public sealed partial class ContainerStore
{
    /// <summary>
    /// Removes a container and everything it holds: processes (only with <paramref name="force"/> when it runs), cgroup,
    /// root filesystem mount, files, and its hold on the image.
    /// </summary>
    public void Remove(string idOrName, bool force = false)
    {
        var container = Resolve(idOrName);
        if (container.Status is ContainerStatus.Running or ContainerStatus.Paused)
        {
            if (!force)
            {
                throw new ContainerToolsException(ErrorKind.InUse, "ContainerRunning",
                    $"The container '{container.Name}' is {container.Status.ToString().ToLowerInvariant()}: stop it first, or use force.", container.Name);
            }
            KillCgroup(container);
            if (container.Status == ContainerStatus.Paused) ThawQuietly(container);
            WaitForExit(container.Id, TimeSpan.FromSeconds(30));
        }
        WithLock(container.Id, current =>
        {
            if (current.Status is ContainerStatus.Running or ContainerStatus.Paused)
            {
                throw new ContainerToolsException(ErrorKind.InUse, "ContainerRunning", $"The container '{current.Name}' started again while being removed.", current.Name);
            }
            ContainerCleanup.Run(current.Paths, current.State.Cgroup);
            DisconnectNetwork(current);
            var mounts = OverlayMount.MountsUnder(current.Paths.Directory);
            if (mounts.Count > 0)
            {
                // Deleting through a mount would delete the image's layers: refuse instead.
                throw new ContainerToolsException(ErrorKind.InUse, "ContainerMountBusy",
                    $"'{mounts[0]}' is still mounted; the container's files were left in place.", mounts[0]);
            }
            // container.json first: from then on the container no longer exists for List/Resolve.
            File.Delete(current.Paths.DefinitionFile);
            try { Images.RemoveHolder(current.Definition.ImageId, current.Id); }
            catch (ContainerToolsException ex) when (ex.Kind == ErrorKind.NotFound) { }
            ReleaseVolumes(current.Id, removeAnonymous: current.Definition.AutoRemove);
            Directory.Delete(current.Paths.Directory, recursive: true);
            Events.Append(ContainerEvent.For(current, ContainerEventActions.Destroy));
            return 0;
        });
        File.Delete(ContainerLockPath(container.Id));
    }

    /// <summary>Gives a container a new name, unique like the old one.</summary>
    public Container Rename(string idOrName, string newName)
    {
        var name = ContainerNames.Validate(newName);
        var id = Resolve(idOrName).Id;
        using (FileLock.Acquire(NamesLockPath))
        {
            if (ReadAllDefinitions().Any(d => d.Name == name && d.Id != id))
            {
                throw new ContainerToolsException(ErrorKind.AlreadyExists, "ContainerNameInUse", $"The container name '{name}' is already in use.", name);
            }
            var paths = PathsOf(id);
            var definition = ContainerStateJson.ReadFile(paths.DefinitionFile, ContainerStateJson.Default.ContainerDefinition)
                ?? throw new ContainerToolsException(ErrorKind.NotFound, "ContainerNotFound", $"The container '{idOrName}' no longer exists.", idOrName);
            ContainerStateJson.WriteFile(paths.DefinitionFile, definition with { Name = name }, ContainerStateJson.Default.ContainerDefinition);
            if (definition.Name != name)
            {
                Events.Append(ContainerEvent.For(definition with { Name = name }, ContainerEventActions.Rename,
                    new Dictionary<string, string> { ["oldName"] = definition.Name }));
            }
        }
        return Resolve(id);
    }
}
