namespace ContainerTools.Runtime.Maintenance;

/// <summary>
/// Something a store made outside its directory (a bridge, iptables rules, a mount, a monitor, a cgroup), as
/// <see cref="StoreReset"/> and <see cref="OrphanedHostObjects"/> report it: "link ct-0123456789ab (bridge of
/// network 'front')", with the store it belongs to when its mark names one.
/// </summary>
public sealed record HostObject(string Kind, string Name, string? StorePath, string Detail)
{
    public override string ToString() => $"{Kind} {Name}" + (Detail.Length > 0 ? $" ({Detail})" : "") + (StorePath is null ? "" : $" of store {StorePath}");
}
