using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.Monitor;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Cleanup;

/// <summary>
/// ctcleanup --root STORE [--cni-plugin-dir DIR]... ID
/// Run by ctmon after it wrote exit.json (docs/processes.md): settles the container's exit under its lock (network
/// detached, netns unmounted, exit recorded in state.json) and removes an AutoRemove container. Idempotent: a
/// container already settled, gone, or started again is left alone. Anyone may run it to repair a container.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        string? root = null;
        string? id = null;
        var plugins = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case CleanupCommand.RootOption when i + 1 < args.Length: root = args[++i]; break;
                case CleanupCommand.PluginDirectoryOption when i + 1 < args.Length: plugins.Add(args[++i]); break;
                default:
                    if (args[i].StartsWith('-') || id is not null) return Usage();
                    id = args[i];
                    break;
            }
        }
        if (root is null || id is null) return Usage();
        try
        {
            var store = new ContainerStore(new StoreRoot(root), options: new ContainerStoreOptions
            {
                CniPluginDirectories = plugins.Count > 0 ? plugins : null,
            });
            store.CleanupAfterExit(id);
            return 0;
        }
        catch (ContainerToolsException ex)
        {
            Console.Error.WriteLine($"ctcleanup: {ex.ErrorId}: {ex.Message}");
            return 1;
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: ctcleanup --root STORE [--cni-plugin-dir DIR]... CONTAINER_ID");
        return 2;
    }
}
