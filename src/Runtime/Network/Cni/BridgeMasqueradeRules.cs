using System.Security.Cryptography;
using System.Text;

namespace ContainerTools.Runtime.Network.Cni;

/// <summary>
/// Removes the bridge plugin's per-container masquerade chain when the plugin cannot. Its DEL finds the container's
/// addresses by looking inside the network namespace; once that namespace is gone it skips the teardown and the
/// POSTROUTING jump and the CNI-HASH chain stay forever (containernetworking/plugins#810, unfixed in 1.1.1).
/// The names follow the plugin's own: chain "CNI-" + the first 24 hex digits of sha512(network name + container id),
/// rule comment `name: "NET" id: "ID"`.
/// </summary>
public static class BridgeMasqueradeRules
{
    public static string ChainName(string networkName, string containerId) =>
        "CNI-" + Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(networkName + containerId))).ToLowerInvariant()[..24];

    /// <summary>Deletes the jump and the chain if they exist; does nothing when DEL already removed them.</summary>
    public static void Remove(string networkName, string containerId, string containerIp)
    {
        var chain = ChainName(networkName, containerId);
        var comment = $"name: \"{networkName}\" id: \"{containerId}\"";
        while (Iptables("-t", "nat", "-D", "POSTROUTING", "-s", $"{containerIp}/32", "-m", "comment", "--comment", comment, "-j", chain))
        {
        }
        if (Iptables("-t", "nat", "-F", chain))
        {
            Iptables("-t", "nat", "-X", chain);
        }
    }

    private static bool Iptables(params string[] args) => HostIptables.TryRun(args);
}
