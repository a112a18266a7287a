using System.Text.Json.Nodes;

namespace ContainerTools.Runtime.Network;

/// <summary>
/// The CNI configuration list of a network, derived from its record every time (never stored, so it cannot drift):
/// bridge with host-local IPAM, then portmap for published ports. portmap is left out of the list of an attachment
/// that publishes no ports: given no mappings it does nothing on ADD and DEL but cost a process each time.
/// Masquerading and the FORWARD accepts are the network's own rules (<see cref="NetworkHostRules"/>); only an endpoint
/// attached before those existed (<see cref="Endpoint.NetworkRules"/> false) is detached with the list it was attached
/// with: bridge's ipMasq and the firewall plugin, which made rules for it alone.
/// </summary>
public static class NetworkConflist
{
    public const string CniVersion = "1.0.0";

    public static JsonObject Build(ContainerNetwork network, string ipamDataDirectory, bool publishesPorts = true, bool networkRules = true)
    {
        var routes = new JsonArray();
        if (!network.Internal)
        {
            routes.Add(new JsonObject { ["dst"] = "0.0.0.0/0" });
        }
        var plugins = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "bridge",
                ["bridge"] = network.Bridge,
                // An internal network's bridge has no address: the host is not a gateway to anywhere.
                ["isGateway"] = !network.Internal,
                ["ipMasq"] = !network.Internal && !networkRules,
                ["hairpinMode"] = true,
                ["ipam"] = new JsonObject
                {
                    ["type"] = "host-local",
                    ["ranges"] = new JsonArray(new JsonArray(new JsonObject { ["subnet"] = network.Subnet, ["gateway"] = network.Gateway })),
                    ["routes"] = routes,
                    ["dataDir"] = ipamDataDirectory,
                },
            },
        };
        if (!network.Internal && publishesPorts)
        {
            var portmap = new JsonObject { ["type"] = "portmap", ["capabilities"] = new JsonObject { ["portMappings"] = true } };
            if (networkRules)
            {
                // The network's own chain marks what must be masqueraded (NetworkHostRules): portmap then skips
                // making and re-checking its host-wide mark and masquerade chains.
                portmap["externalSetMarkChain"] = NetworkHostRules.MarkChain(network);
            }
            plugins.Add(portmap);
        }
        if (!networkRules)
        {
            plugins.Add(new JsonObject { ["type"] = "firewall", ["backend"] = "iptables" });
        }
        return new JsonObject { ["cniVersion"] = CniVersion, ["name"] = network.Name, ["plugins"] = plugins };
    }

    /// <summary>portmap's runtimeConfig entry: hostIP omitted means every host address.</summary>
    public static JsonObject RuntimeConfig(IEnumerable<PortMapping> mappings)
    {
        var array = new JsonArray();
        foreach (var m in mappings)
        {
            var entry = new JsonObject { ["hostPort"] = m.HostPort, ["containerPort"] = m.ContainerPort, ["protocol"] = m.Protocol };
            if (m.HostIp is not null)
            {
                entry["hostIP"] = m.HostIp;
            }
            array.Add(entry);
        }
        return new JsonObject { ["portMappings"] = array };
    }
}
