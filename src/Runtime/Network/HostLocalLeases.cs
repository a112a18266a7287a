using System.Text.Json.Nodes;

namespace ContainerTools.Runtime.Network;

/// <summary>
/// Reads host-local's lease files (DATADIR/NETWORK/ADDRESS, holding "CONTAINERID\r\nIFNAME") to rebuild the result of
/// an ADD whose result was never recorded: DEL needs it, since the firewall plugin finds its rules only through
/// prevResult.
/// </summary>
internal static class HostLocalLeases
{
    public static IReadOnlyList<string> AddressesOf(string leaseDirectory, string containerId, string interfaceName)
    {
        if (!Directory.Exists(leaseDirectory))
        {
            return [];
        }
        var addresses = new List<string>();
        foreach (var path in Directory.EnumerateFiles(leaseDirectory))
        {
            var name = Path.GetFileName(path);
            if (!Ipv4Subnet.TryParseAddress(name, out _))
            {
                continue; // lock, last_reserved_ip.0
            }
            var lines = File.ReadAllText(path).Split('\n', StringSplitOptions.TrimEntries);
            if (lines[0] == containerId && (lines.Length < 2 || lines[1] == interfaceName))
            {
                addresses.Add(name);
            }
        }
        return addresses;
    }

    public static JsonObject? RebuildResult(ContainerNetwork network, string leaseDirectory, Endpoint endpoint)
    {
        var addresses = AddressesOf(leaseDirectory, endpoint.ContainerId, endpoint.InterfaceName);
        if (addresses.Count == 0)
        {
            return null;
        }
        var prefix = Ipv4Subnet.Parse(network.Subnet).PrefixLength;
        var ips = new JsonArray();
        foreach (var address in addresses)
        {
            ips.Add(new JsonObject { ["address"] = $"{address}/{prefix}", ["gateway"] = network.Gateway, ["interface"] = 0 });
        }
        return new JsonObject
        {
            ["cniVersion"] = NetworkConflist.CniVersion,
            ["interfaces"] = new JsonArray(new JsonObject { ["name"] = endpoint.InterfaceName, ["sandbox"] = endpoint.NetnsPath }),
            ["ips"] = ips,
        };
    }
}
