using ContainerTools.OciRuntime.Events;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Storage;
using ContainerTools.OciRuntime.Monitor;
using ContainerTools.OciRuntime.State;
using ContainerTools.OciRuntime.Files;

namespace ContainerTools.Runtime.Containers;

public sealed partial class ContainerStore
{
    /// <summary>
    /// Removes a container and everything it holds: processes (only with <paramref name="force"/> when it runs), cgroup,
    /// root filesystem mount, files, and its hold on the image.
    /// </summary>
    public void Remove(string idOrName, bool force = false)
    {
        var id = Resolve(idOrName).Id;
        using (var handle = Open(id, removes: _ => true))
        {
            var container = handle.Container;
            if (ContainerTransitions.IsActive(container.Status))
            {
                if (!force) ContainerTransitions.RequireStopped(container);
                SignalRestartingMonitor(container);
                KillCgroup(container);
                if (container.Status == ContainerStatus.Paused) ThawQuietly(container);
                container = handle.WaitForExit(AfterKill)
                    ?? throw new ContainerToolsException(ErrorIds.ContainerStopFailed, $"The container '{container.Name}' did not exit after SIGKILL.", container.Name);
            }
            RemoveSettled(container);
        }
        File.Delete(ContainerLockPath(id));
    }

    /// <summary>With the container's lock held, once it no longer runs: deletes it (the caller deletes the lock file after releasing it).</summary>
    private void RemoveSettled(Container current)
    {
        ContainerCleanup.Run(current.Paths, current.State.Cgroup);
        DisconnectNetwork(current);
        var mounts = OverlayMount.MountsUnder(current.Paths.Directory);
        if (mounts.Count > 0)
        {
            // Deleting through a mount would delete the image's layers: refuse instead.
            throw new ContainerToolsException(ErrorIds.ContainerMountBusy,
                $"'{mounts[0]}' is still mounted; the container's files were left in place.", mounts[0]);
        }
        // container.json first: from then on the container no longer exists for List/Resolve.
        File.Delete(current.Paths.DefinitionFile);
        try { Images.RemoveHolder(current.Definition.ImageId, current.Id); }
        catch (ContainerToolsException ex) when (ex.Kind == ErrorKind.NotFound) { }
        ReleaseVolumes(current.Id, removeAnonymous: current.Definition.AutoRemove);
        Directory.Delete(current.Paths.Directory, recursive: true);
        Events.Append(ContainerEventFactory.For(current, ContainerEventActions.Destroy));
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
                throw new ContainerToolsException(ErrorIds.ContainerNameInUse, $"The container name '{name}' is already in use.", name);
            }
            var paths = PathsOf(id);
            var definition = ContainerStateJson.ReadFile(paths.DefinitionFile, ContainerStateJson.Default.ContainerDefinition)
                ?? throw new ContainerToolsException(ErrorIds.ContainerNotFound, $"The container '{idOrName}' no longer exists.", idOrName);
            ContainerStateJson.WriteFile(paths.DefinitionFile, definition with { Name = name }, ContainerStateJson.Default.ContainerDefinition);
            if (definition.Name != name)
            {
                Events.Append(ContainerEventFactory.For(definition with { Name = name }, ContainerEventActions.Rename,
                    new Dictionary<string, string> { ["oldName"] = definition.Name }));
            }
        }
        return Resolve(id);
    }
}
