namespace ContainerTools.Runtime.Network;

public sealed partial class NetworkStore
{
    /// <summary>Rewrites the hosts file of every container on the network after one joined or left it.</summary>
    private void RefreshHostsFiles(string networkName)
    {
        foreach (var endpoint in ReadEndpoints(networkName).Where(e => e.HostsFilePath is not null && !e.Pending))
        {
            WriteHostsFileOf(endpoint.ContainerId, endpoint);
        }
    }

    /// <summary>A container on several networks has one hosts file covering all of them.</summary>
    private void WriteHostsFileOf(string containerId, Endpoint anyEndpoint)
    {
        var networks = List();
        var own = networks.Select(n => TryReadEndpoint(n.Name, containerId)).OfType<Endpoint>().Where(e => !e.Pending).ToList();
        var peers = networks
            .Where(n => !n.IsDefault && own.Any(e => e.Network == n.Name))
            .SelectMany(n => ReadEndpoints(n.Name))
            .Where(e => !e.Pending);
        var path = own.Select(e => e.HostsFilePath).FirstOrDefault(p => p is not null) ?? anyEndpoint.HostsFilePath!;
        HostsFile.Write(path, HostsFile.Compose(HostsFile.EntriesFor(own, peers)));
    }
}
