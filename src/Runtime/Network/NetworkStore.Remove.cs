using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Network;

public sealed partial class NetworkStore
{
    /// <summary>
    /// Deletes a network: its bridge, its leases and its records. A network with attached containers is refused
    /// unless <paramref name="force"/>, which detaches them first (their namespaces lose that interface).
    /// </summary>
    public void Remove(string name, bool force = false)
    {
        NetworkNames.Validate(name);
        using var _ = Lock();
        var network = Get(name);
        var endpoints = ReadEndpoints(name);
        if (endpoints.Count > 0 && !force)
        {
            throw new ContainerToolsException(ErrorIds.NetworkInUse, $"The network '{name}' has {endpoints.Count} attached container(s) ({string.Join(", ", endpoints.Select(e => e.ContainerName))}); detach them or use -Force.", name);
        }
        foreach (var endpoint in endpoints)
        {
            DetachLocked(endpoint.ContainerId, name);
        }
        // The bridge plugin creates bridges but never deletes them: that is the owner of the network's job.
        NetworkLinks.Delete(network.Bridge);
        if (File.Exists(_paths.HostRules(name)))
        {
            // The port chains too: a container detached by a process that died half-way may have left one.
            NetworkRuleSweep.Remove(new HashSet<string> { network.Bridge }, portChains: true);
        }
        DirectoryRemover.Remove(_paths.NetworkDirectory(name));
        File.Delete(_paths.Record(name));
    }
}
