namespace ContainerTools.Runtime.Maintenance;

/// <summary>
/// Host objects made by stores that no longer know them: a store directory deleted by hand leaves its bridges,
/// iptables rules, mounts, monitors (with their containers) and cgroups behind. Each is found by the mark of the store
/// that made it (<see cref="Network.NetworkMark"/>, <see cref="ContainerLeftovers"/>); what belongs to a live store or
/// carries no mark of the engine (podman's, docker's, CNI's shared chains) is never touched.
/// </summary>
public static class OrphanedHostObjects
{
    /// <summary>Per store, what it left on the host; empty when nothing was left.</summary>
    public static IReadOnlyList<StoreLeftovers> Find() => StoreLeftovers.Orphaned();
}
