using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Network;

namespace ContainerTools.Runtime.Maintenance;

/// <summary>
/// The engine's networks present on this host, found by their marks (<see cref="NetworkMark"/>): bridges whose alias
/// is a mark, and iptables rules whose comment is one. A bridge's store is the one its alias or any of its rules names.
/// </summary>
internal static class MarkedNetworks
{
    public static IReadOnlyList<NetworkMark> Find(IptablesRuleset ruleset)
    {
        var marks = NetworkLinks.Names()
            .Select(name => NetworkMark.TryParse(NetworkLinks.Alias(name)))
            .OfType<NetworkMark>()
            .Concat(NetworkRuleSweep.Marks(ruleset));
        return marks.GroupBy(m => m.Bridge)
            .Select(g => g.FirstOrDefault(m => m.StorePath is not null) ?? g.First())
            .OrderBy(m => m.Bridge, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The objects of these networks: the bridge when it exists, then each rule and chain.</summary>
    public static IEnumerable<HostObject> Describe(IReadOnlyList<NetworkMark> networks, IptablesRuleset ruleset)
    {
        foreach (var network in networks)
        {
            if (NetworkLinks.Exists(network.Bridge))
            {
                yield return new HostObject("link", network.Bridge, network.StorePath, $"bridge of network '{network.NetworkName}'");
            }
            foreach (var rule in NetworkRuleSweep.Describe(ruleset, new HashSet<string> { network.Bridge }, portChains: true))
            {
                yield return new HostObject("iptables", rule["iptables ".Length..], network.StorePath, $"network '{network.NetworkName}'");
            }
        }
    }

    /// <summary>Deletes the rules, port chains and bridges of these networks.</summary>
    public static void Remove(IReadOnlyList<NetworkMark> networks)
    {
        if (networks.Count == 0)
        {
            return;
        }
        NetworkRuleSweep.Remove(networks.Select(n => n.Bridge).ToHashSet(), portChains: true);
        foreach (var network in networks)
        {
            NetworkLinks.Delete(network.Bridge);
        }
    }
}
