namespace ContainerTools.Runtime.Network;

/// <summary>
/// The iptables rules one network needs, made once per network instead of once per container (as Docker and netavark
/// do): masquerading of traffic that leaves the subnet (what the bridge plugin's ipMasq makes per container) and the
/// FORWARD accepts (what the firewall plugin makes per container, needed where FORWARD's policy is DROP):
///
///   nat     CT-MASQ-ID: -d SUBNET RETURN, -d 224.0.0.0/4 RETURN, MASQUERADE   (from POSTROUTING -s SUBNET)
///   nat     CT-MARK-ID: MARK 0x2000, and POSTROUTING -o BRIDGE -m mark 0x2000 MASQUERADE
///   filter  CT-FWD-ID:  -d SUBNET ctstate RELATED,ESTABLISHED ACCEPT, -s SUBNET ACCEPT   (first rule of FORWARD)
///
/// CT-MARK is portmap's externalSetMarkChain: the chain its DNAT rules jump to for connections that must be
/// masqueraded into the container (from 127.0.0.1, or from a container to its own published port). Without it portmap
/// makes and re-checks its own host-wide CNI-HOSTPORT-SETMARK and CNI-HOSTPORT-MASQ chains on every ADD (5 iptables
/// processes); the mark bit is portmap's default, 13. An internal network gets only the FORWARD chain (peers on a bridge with br_netfilter pass FORWARD too). The rules
/// are made by one iptables-restore, each with the network's mark as its comment, and removed with the network. ID is the 12 hex digits of the bridge's name.
/// </summary>
internal static class NetworkHostRules
{
    public static string MasqueradeChain(ContainerNetwork network) => "CT-MASQ-" + BridgeId(network);

    public static string ForwardChain(ContainerNetwork network) => "CT-FWD-" + BridgeId(network);

    /// <summary>portmap's externalSetMarkChain (not for internal networks, which publish nothing).</summary>
    public static string MarkChain(ContainerNetwork network) => "CT-MARK-" + BridgeId(network);

    /// <summary>Changes whenever the set of rules changes, so that a network made with older rules gets the new ones.</summary>
    public const string Version = "3";

    private const string MasqueradeMark = "0x2000/0x2000";

    /// <summary>
    /// Makes the rules, first removing any earlier copy so that nothing is doubled. Every rule carries the network's
    /// mark (<see cref="NetworkMark"/>) as its comment, so that the rules of a store deleted by hand can be found.
    /// </summary>
    public static void Install(ContainerNetwork network, string storePath)
    {
        Remove(network);
        var mark = MarkChain(network);
        var masquerade = MasqueradeChain(network);
        var forward = ForwardChain(network);
        var comment = $"-m comment --comment \"{NetworkMark.For(network, storePath).Text}\"";
        var rules = new System.Text.StringBuilder();
        if (!network.Internal)
        {
            rules.Append($"*nat\n:{masquerade} - [0:0]\n")
                .Append($"-A {masquerade} -d {network.Subnet} {comment} -j RETURN\n")
                .Append($"-A {masquerade} -d 224.0.0.0/4 {comment} -j RETURN\n")
                .Append($"-A {masquerade} {comment} -j MASQUERADE\n")
                .Append($"-A POSTROUTING -s {network.Subnet} {comment} -j {masquerade}\n")
                .Append($":{mark} - [0:0]\n")
                .Append($"-A {mark} {comment} -j MARK --set-xmark {MasqueradeMark}\n")
                .Append($"-A POSTROUTING -o {network.Bridge} -m mark --mark {MasqueradeMark} {comment} -j MASQUERADE\n")
                .Append("COMMIT\n");
        }
        rules.Append($"*filter\n:{forward} - [0:0]\n")
            .Append($"-A {forward} -d {network.Subnet} -m conntrack --ctstate RELATED,ESTABLISHED {comment} -j ACCEPT\n")
            .Append($"-A {forward} -s {network.Subnet} {comment} -j ACCEPT\n")
            .Append($"-I FORWARD 1 {comment} -j {forward}\n")
            .Append("COMMIT\n");
        HostIptables.Restore(rules.ToString(), network.Name);
    }

    /// <summary>
    /// Deletes the jumps and the chains, including those of older versions (marked without the store); what is already
    /// gone is skipped. The port chains of containers still attached keep CT-MARK (it is flushed, not deleted).
    /// </summary>
    public static void Remove(ContainerNetwork network) => NetworkRuleSweep.Remove(new HashSet<string> { network.Bridge }, portChains: false);

    private static string BridgeId(ContainerNetwork network) => network.Bridge.StartsWith("ct-") ? network.Bridge[3..] : network.Bridge;
}
