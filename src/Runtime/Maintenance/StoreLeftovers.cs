using ContainerTools.Runtime.Network;

namespace ContainerTools.Runtime.Maintenance;

/// <summary>
/// The host objects that carry one store's mark: its networks' bridges and iptables rules (<see cref="NetworkMark"/>)
/// and its containers' mounts, monitors and cgroups (<see cref="ContainerLeftovers"/>).
/// </summary>
public sealed class StoreLeftovers
{
    private readonly IReadOnlyList<NetworkMark> _networks;
    private readonly IReadOnlyList<ContainerLeftovers> _containers;

    private StoreLeftovers(string storePath, IReadOnlyList<NetworkMark> networks, IReadOnlyList<ContainerLeftovers> containers, IptablesRuleset ruleset)
    {
        StorePath = storePath;
        _networks = networks;
        _containers = containers;
        Objects = containers.SelectMany(c => c.Describe()).Concat(MarkedNetworks.Describe(networks, ruleset)).ToList();
    }

    public string StorePath { get; }

    /// <summary>Each object, as "link ct-... (bridge of network 'x')", "iptables -t nat chain CT-MASQ-...", "mount ...".</summary>
    public IReadOnlyList<HostObject> Objects { get; }

    public bool IsEmpty => Objects.Count == 0;

    public override string ToString() => $"{Objects.Count} host object(s) of store {StorePath}";

    /// <summary>
    /// Removes them: containers first (their processes killed, mounts unmounted, cgroups removed: a network namespace
    /// unmounted takes its veth with it), then the networks' port chains, rules, chains and bridges.
    /// </summary>
    public void Remove()
    {
        foreach (var container in _containers)
        {
            container.Remove();
        }
        MarkedNetworks.Remove(_networks);
    }

    /// <summary>Everything on the host marked as made by the store at <paramref name="storePath"/>.</summary>
    internal static StoreLeftovers Of(string storePath)
    {
        var ruleset = IptablesRuleset.Read();
        return new StoreLeftovers(storePath,
            MarkedNetworks.Find(ruleset).Where(n => n.StorePath == storePath).ToList(),
            ContainerLeftovers.Find().Where(c => c.StorePath == storePath).ToList(),
            ruleset);
    }

    /// <summary>
    /// Per store, what it made and no longer knows: every object of a store whose directory is gone, and in a store
    /// that exists, the networks it has no record of (or a record with another bridge) and the containers whose
    /// container.json is gone. A network whose mark names no store (made before the marks named stores) is left alone.
    /// </summary>
    internal static IReadOnlyList<StoreLeftovers> Orphaned()
    {
        var ruleset = IptablesRuleset.Read();
        var networks = MarkedNetworks.Find(ruleset).Where(n => n.StorePath is not null && !IsKnown(n)).ToList();
        var containers = ContainerLeftovers.Find().Where(c => c.IsOrphaned).ToList();
        return networks.Select(n => n.StorePath!).Concat(containers.Select(c => c.StorePath)).Distinct().Order(StringComparer.Ordinal)
            .Select(store => new StoreLeftovers(store,
                networks.Where(n => n.StorePath == store).ToList(),
                containers.Where(c => c.StorePath == store).ToList(),
                ruleset))
            .ToList();
    }

    /// <summary>
    /// Whether the mark's store still has the network. A record is written before anything reaches the host and
    /// removed after everything left it, so a bridge without a record has nobody to remove it. Unreadable means known:
    /// what cannot be judged is not touched.
    /// </summary>
    private static bool IsKnown(NetworkMark mark)
    {
        if (!Directory.Exists(mark.StorePath))
        {
            return false;
        }
        try
        {
            return new NetworkStore(new Storage.StoreRoot(mark.StorePath!)).TryGet(mark.NetworkName)?.Bridge == mark.Bridge;
        }
        catch (Exception ex) when (ex is OciRuntime.Errors.ContainerToolsException or IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }
}
