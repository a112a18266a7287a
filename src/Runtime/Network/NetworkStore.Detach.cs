using ContainerTools.Runtime.Network.Cni;

namespace ContainerTools.Runtime.Network;

public sealed partial class NetworkStore
{
    /// <summary>
    /// Undoes <see cref="Attach"/>: CNI DEL in reverse plugin order with the cached ADD result (the firewall plugin
    /// finds its rules only through it), then the endpoint record, then the peers' hosts files. Works whether or not
    /// the namespace still exists. Returns false when the container was not attached.
    /// </summary>
    public bool Detach(string containerId, string networkName)
    {
        ContainerIds.Validate(containerId);
        NetworkNames.Validate(networkName);
        using var _ = Lock();
        return DetachLocked(containerId, networkName);
    }

    /// <summary>Detaches a container from every network it is on; the lifecycle calls this when the container stops.</summary>
    public void DetachAll(string containerId)
    {
        ContainerIds.Validate(containerId);
        using var _ = Lock();
        foreach (var network in List())
        {
            DetachLocked(containerId, network.Name);
        }
    }

    /// <summary>Asks every plugin whether the attachment is still as ADD left it (CNI CHECK); throws if not.</summary>
    public void Check(string containerId, string networkName)
    {
        ContainerIds.Validate(containerId);
        using var _ = Lock();
        var network = Get(networkName);
        var endpoint = TryReadEndpoint(networkName, containerId)
            ?? throw new OciRuntime.Errors.ContainerToolsException(OciRuntime.Errors.ErrorIds.EndpointNotFound,
                $"The container '{containerId}' is not attached to the network '{networkName}'.", containerId);
        _cni.Check(ConflistOf(network, endpoint), AttachmentOf(endpoint), endpoint.CniResult ?? new());
    }

    private bool DetachLocked(string containerId, string networkName)
    {
        var network = TryRead(_paths.Record(networkName));
        var endpoint = network is null ? null : TryReadEndpoint(networkName, containerId);
        if (network is null || endpoint is null)
        {
            return false;
        }
        var namespaceGone = NamespaceGone(endpoint.NetnsPath);
        // A pending record (its attach was cut off) has no result: the leases still say which address ADD took.
        var leases = Path.Combine(_paths.Ipam(network.Name), network.Name);
        var result = endpoint.CniResult ?? HostLocalLeases.RebuildResult(network, leases, endpoint);
        var addresses = endpoint.Pending
            ? HostLocalLeases.AddressesOf(leases, endpoint.ContainerId, endpoint.InterfaceName)
            : [endpoint.IpAddress];
        var attachment = AttachmentOf(endpoint);
        if (namespaceGone)
        {
            // CNI's DEL without a namespace (the bridge plugin then only releases the address): a path left as a plain
            // file would be an error to the plugins, not "already gone".
            attachment = attachment with { NetnsPath = "" };
        }
        if (endpoint.NetworkRules)
        {
            // Only portmap runs iptables on this DEL, and this endpoint has no IPv6 rules: see Ipv4Tools.
            attachment = attachment with { ToolPath = Ipv4Tools.Directory(_paths.Directory) };
        }
        _cni.DeleteConcurrently(ConflistOf(network, endpoint), attachment, result);
        if (namespaceGone && !network.Internal && !endpoint.NetworkRules)
        {
            foreach (var address in addresses)
            {
                BridgeMasqueradeRules.Remove(network.Name, endpoint.ContainerId, address);
            }
        }
        File.Delete(_paths.Endpoint(networkName, containerId));
        RefreshHostsFiles(networkName);
        if (endpoint.HostsFilePath is not null && File.Exists(endpoint.HostsFilePath))
        {
            // The leaving container keeps a hosts file that no longer lists this network's peers.
            WriteHostsFileOf(containerId, endpoint);
        }
        return true;
    }

    /// <summary>The list the endpoint was attached with, so that DEL removes exactly what ADD made.</summary>
    private System.Text.Json.Nodes.JsonObject ConflistOf(ContainerNetwork network, Endpoint endpoint) =>
        NetworkConflist.Build(network, _paths.Ipam(network.Name), endpoint.PortMappings.Count > 0, endpoint.NetworkRules);

    /// <summary>The namespace no longer exists: its file is gone, or (after a reboot) still there but no namespace.</summary>
    private static bool NamespaceGone(string netnsPath) => !OciRuntime.Linux.NetworkNamespaceFile.IsNamespace(netnsPath);

    private static CniAttachment AttachmentOf(Endpoint endpoint) =>
        new(endpoint.ContainerId, endpoint.NetnsPath, endpoint.InterfaceName, NetworkConflist.RuntimeConfig(endpoint.PortMappings));
}
