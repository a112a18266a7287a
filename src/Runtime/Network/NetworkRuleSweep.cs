using System.Text;

namespace ContainerTools.Runtime.Network;

/// <summary>
/// Finds and deletes the iptables rules and chains that belong to networks, named by their bridges: the network's own
/// chains (CT-MASQ-, CT-MARK-, CT-FWD- and the bridge's 12 hex digits), every rule elsewhere whose comment is the
/// network's mark (<see cref="NetworkMark"/>, with or without the store), and, with <c>portChains</c>, portmap's
/// CNI-DN-* chains of the network's containers with the rules that jump to them. portmap comments its rules with the
/// CNI network name and container id only ("dnat name: \"bridge\" id: \"...\""), which two stores may share; what ties
/// such a chain to one network is its jump to the network's CT-MARK chain (portmap's externalSetMarkChain), which
/// portmap writes for every published port (hairpin traffic from the subnet).
/// A chain is deleted only when no rule that stays jumps to it; otherwise it is flushed. One iptables-restore per table.
/// </summary>
internal static class NetworkRuleSweep
{
    private static readonly string[] OwnChainPrefixes = ["CT-MASQ-", "CT-MARK-", "CT-FWD-"];

    /// <summary>What <see cref="Remove"/> would delete, as "iptables -t TABLE chain NAME" and "iptables -t TABLE rule -A ...".</summary>
    public static IReadOnlyList<string> Describe(IptablesRuleset ruleset, IReadOnlySet<string> bridges, bool portChains) =>
        Plan(ruleset, bridges, portChains).SelectMany(p =>
            p.Rules.Select(r => $"iptables -t {p.Table} rule -A {r.Chain} {r.Specification}")
                .Concat(p.Chains.Select(c => $"iptables -t {p.Table} chain {c}"))).ToList();

    /// <summary>Deletes them; returns what it deleted. Re-reads and tries again once if the ruleset changed meanwhile.</summary>
    public static IReadOnlyList<string> Remove(IReadOnlySet<string> bridges, bool portChains)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ruleset = IptablesRuleset.Read();
            var plans = Plan(ruleset, bridges, portChains);
            try
            {
                foreach (var plan in plans)
                {
                    HostIptables.Restore(plan.Script, string.Join(",", bridges));
                }
                return Describe(ruleset, bridges, portChains);
            }
            catch (OciRuntime.Errors.ContainerToolsException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>The bridges named in the ruleset by the engine's marks, with the mark that names each (store path when known).</summary>
    public static IReadOnlyList<NetworkMark> Marks(IptablesRuleset ruleset) =>
        ruleset.Rules.Select(r => NetworkMark.TryParse(r.Comment)).OfType<NetworkMark>().Distinct().ToList();

    /// <summary>The 12 hex digits a CT-MASQ-/CT-MARK-/CT-FWD- chain is named by, or null.</summary>
    public static string? BridgeIdOfChain(string chain) =>
        OwnChainPrefixes.FirstOrDefault(chain.StartsWith) is { } prefix && chain.Length == prefix.Length + 12 ? chain[prefix.Length..] : null;

    private sealed record TablePlan(string Table, List<IptablesRuleset.Rule> Rules, List<string> Chains, string Script);

    private static List<TablePlan> Plan(IptablesRuleset ruleset, IReadOnlySet<string> bridges, bool portChains)
    {
        var ids = bridges.Select(b => b.StartsWith("ct-") ? b[3..] : b).ToHashSet();
        var owned = ruleset.Chains.Where(c => BridgeIdOfChain(c.Chain) is { } id && ids.Contains(id)).ToHashSet();
        if (portChains)
        {
            var marks = ids.Select(id => "CT-MARK-" + id).ToHashSet();
            foreach (var rule in ruleset.Rules.Where(r => r.Chain.StartsWith("CNI-DN-") && r.Target is { } t && marks.Contains(t)))
            {
                owned.Add((rule.Table, rule.Chain));
            }
        }
        // A port chain of a container still attached (not owned without portChains) keeps its jump to CT-MARK.
        var doomed = ruleset.Rules.Where(r => !owned.Contains((r.Table, r.Chain))
            && ((r.Target is { } t && owned.Contains((r.Table, t)) && !r.Chain.StartsWith("CNI-DN-"))
                || (NetworkMark.TryParse(r.Comment) is { } m && bridges.Contains(m.Bridge)))).ToList();
        var plans = new List<TablePlan>();
        foreach (var table in owned.Select(c => c.Table).Concat(doomed.Select(r => r.Table)).Distinct())
        {
            var rules = doomed.Where(r => r.Table == table).ToList();
            // A jump that stays (another program's rule into one of these chains) keeps the chain: flushed, not deleted.
            var kept = ruleset.Rules.Where(r => r.Table == table && !rules.Contains(r) && !owned.Contains((table, r.Chain)) && r.Target is not null)
                .Select(r => r.Target!).ToHashSet();
            var chains = owned.Where(c => c.Table == table).Select(c => c.Chain).Order(StringComparer.Ordinal).ToList();
            var script = new StringBuilder($"*{table}\n");
            foreach (var rule in rules)
            {
                script.Append($"-D {rule.Chain} {rule.Specification}\n");
            }
            foreach (var chain in chains)
            {
                script.Append($":{chain} - [0:0]\n");
            }
            foreach (var chain in chains.Where(c => !kept.Contains(c)))
            {
                script.Append($"-X {chain}\n");
            }
            script.Append("COMMIT\n");
            plans.Add(new TablePlan(table, rules, chains, script.ToString()));
        }
        return plans;
    }
}
