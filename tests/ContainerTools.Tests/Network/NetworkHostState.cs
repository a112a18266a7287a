namespace ContainerTools.Tests.Network;

/// <summary>
/// Shared by every network test: the host's iptables and forwarding state before the first test. The CNI plugins
/// leave host-wide scaffolding behind on purpose (portmap's CNI-HOSTPORT-* chains, firewall's CNI-FORWARD and
/// CNI-ADMIN, net.ipv4.ip_forward=1 from the bridge plugin); after the last test this fixture takes away what it
/// added and then demands iptables-save be exactly as it was.
/// </summary>
public sealed class NetworkHostState : IDisposable
{
    private readonly IReadOnlyList<string> _rulesBefore = HostCommand.IptablesRules();
    private readonly string _ipForwardBefore = File.ReadAllText("/proc/sys/net/ipv4/ip_forward").Trim();
    private readonly string _nftTablesBefore = HostCommand.Check("nft", "list", "tables");
    private readonly bool _etcNetnsExisted = Directory.Exists("/etc/netns");
    // `ip netns add` makes /run/netns a shared bind mount of itself the first time (and the directory if missing).
    private readonly bool _runNetnsExisted = Directory.Exists(RunNetns);
    private readonly bool _runNetnsWasMounted = ContainerTools.OciRuntime.Linux.OverlayMount.IsMountPoint(RunNetns);
    private const string RunNetns = "/run/netns";

    public void Dispose()
    {
        RemoveSharedChains();
        var after = HostCommand.IptablesRules();
        var added = after.Except(_rulesBefore).Where(l => l != "COMMIT" && !l.StartsWith('*') && !IsBuiltinChain(l)).ToList();
        var removed = _rulesBefore.Except(after).Where(l => l != "COMMIT" && !l.StartsWith('*') && !IsBuiltinChain(l)).ToList();
        File.WriteAllText("/proc/sys/net/ipv4/ip_forward", _ipForwardBefore);
        if (!_etcNetnsExisted && Directory.Exists("/etc/netns") && !Directory.EnumerateFileSystemEntries("/etc/netns").Any())
        {
            Directory.Delete("/etc/netns");
        }
        if (!_runNetnsWasMounted && Directory.Exists(RunNetns) && !Directory.EnumerateFileSystemEntries(RunNetns).Any())
        {
            while (ContainerTools.OciRuntime.Linux.OverlayMount.IsMountPoint(RunNetns))
            {
                ContainerTools.OciRuntime.Linux.Mounts.Unmount(RunNetns, detach: true);
            }
            if (!_runNetnsExisted)
            {
                Directory.Delete(RunNetns);
            }
        }
        if (added.Count + removed.Count > 0)
        {
            // Leftovers stay on the host for whoever looks into the failure.
            throw new InvalidOperationException($"Network tests changed iptables: added [{string.Join(" | ", added)}] removed [{string.Join(" | ", removed)}]");
        }
        // Tables iptables-nft made on first use, now holding nothing but built-in chains.
        foreach (var table in new[] { "ip nat", "ip filter", "ip6 nat", "ip6 filter" })
        {
            if (!_nftTablesBefore.Contains($"table {table}\n") && HostCommand.Check("nft", "list", "tables").Contains($"table {table}\n"))
            {
                HostCommand.Run("nft", ["delete", "table", .. table.Split(' ')]);
            }
        }
    }

    /// <summary>The lines the plugins add once per host and never remove (see the class summary).</summary>
    private static readonly HashSet<string> SharedScaffolding =
    [
        ":CNI-HOSTPORT-DNAT - ", ":CNI-HOSTPORT-MASQ - ", ":CNI-HOSTPORT-SETMARK - ", ":CNI-FORWARD - ", ":CNI-ADMIN - ",
        "-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT",
        "-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT",
        "-A POSTROUTING -m comment --comment \"CNI portfwd requiring masquerade\" -j CNI-HOSTPORT-MASQ",
        "-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE",
        "-A CNI-HOSTPORT-SETMARK -m comment --comment \"CNI portfwd masquerade mark\" -j MARK --set-xmark 0x2000/0x2000",
        "-A FORWARD -m comment --comment \"CNI firewall plugin rules\" -j CNI-FORWARD",
        "-A CNI-FORWARD -m comment --comment \"CNI firewall plugin admin overrides\" -j CNI-ADMIN",
    ];

    /// <summary>
    /// After each test: iptables-save equals what it was before the first test, apart from the shared scaffolding.
    /// (A failure in the fixture's Dispose is only printed by the test runner, so each test checks for itself.)
    /// </summary>
    public void AssertIptablesAsBefore()
    {
        var after = HostCommand.IptablesRules();
        bool Relevant(string l) => l != "COMMIT" && !l.StartsWith('*') && !IsBuiltinChain(l) && !SharedScaffolding.Contains(l);
        var added = after.Except(_rulesBefore).Where(Relevant).ToList();
        var removed = _rulesBefore.Except(after).Where(Relevant).ToList();
        Assert.True(added.Count + removed.Count == 0,
            $"iptables differs from before the network tests: added [{string.Join(" | ", added)}] removed [{string.Join(" | ", removed)}]");
    }

    private static bool IsBuiltinChain(string line) => line.StartsWith(':') && !line.StartsWith(":CNI-");

    private void RemoveSharedChains()
    {
        var before = string.Join('\n', _rulesBefore);
        void Unhook(string table, string chain, string jumpTo, params string[] match)
        {
            if (!before.Contains($":{jumpTo} "))
            {
                while (HostCommand.Run("iptables", ["-w", "-t", table, "-D", chain, .. match, "-j", jumpTo]).ExitCode == 0)
                {
                }
            }
        }
        void Drop(string table, string chain)
        {
            if (!before.Contains($":{chain} "))
            {
                HostCommand.Run("iptables", "-w", "-t", table, "-F", chain);
                HostCommand.Run("iptables", "-w", "-t", table, "-X", chain);
            }
        }
        Unhook("nat", "PREROUTING", "CNI-HOSTPORT-DNAT", "-m", "addrtype", "--dst-type", "LOCAL");
        Unhook("nat", "OUTPUT", "CNI-HOSTPORT-DNAT", "-m", "addrtype", "--dst-type", "LOCAL");
        Unhook("nat", "POSTROUTING", "CNI-HOSTPORT-MASQ", "-m", "comment", "--comment", "CNI portfwd requiring masquerade");
        Unhook("filter", "FORWARD", "CNI-FORWARD", "-m", "comment", "--comment", "CNI firewall plugin rules");
        foreach (var chain in new[] { "CNI-HOSTPORT-DNAT", "CNI-HOSTPORT-MASQ", "CNI-HOSTPORT-SETMARK" })
        {
            Drop("nat", chain);
        }
        Drop("filter", "CNI-FORWARD");
        Drop("filter", "CNI-ADMIN");
    }
}

/// <summary>Network tests run one at a time: they share the host's iptables and its subnet space.</summary>
[CollectionDefinition(Name)]
public sealed class NetworkCollection : ICollectionFixture<NetworkHostState>
{
    public const string Name = "Host networking";
}
