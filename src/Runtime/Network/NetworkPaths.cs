using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Network;

/// <summary>Where a store keeps its networks: networks/NAME.json, and networks/NAME/{endpoints,ipam}.</summary>
internal sealed class NetworkPaths(StoreRoot root)
{
    public string Directory { get; } = Path.Combine(root.Path, "networks");

    public string Lock { get; } = Path.Combine(root.LocksDirectory, "networks.lock");

    public string Record(string name) => Path.Combine(Directory, name + ".json");

    public string NetworkDirectory(string name) => Path.Combine(Directory, name);

    public string Endpoints(string name) => Path.Combine(Directory, name, "endpoints");

    public string Endpoint(string name, string containerId) => Path.Combine(Endpoints(name), containerId + ".json");

    /// <summary>The boot id in which the network's iptables rules were made (NetworkHostRules).</summary>
    public string HostRules(string name) => Path.Combine(Directory, name, "host-rules");

    /// <summary>host-local's dataDir: leases live in ipam/NAME/ under it, so removing the network removes them.</summary>
    public string Ipam(string name) => Path.Combine(Directory, name, "ipam");
}
