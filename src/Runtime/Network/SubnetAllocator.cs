using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Network;

/// <summary>
/// Picks the subnet of a new network: the first /24 of 10.89.0.0/16 that neither another network of the store
/// nor a route of the host already covers (podman's pool too, which is why host routes are checked).
/// </summary>
public static class SubnetAllocator
{
    public static readonly Ipv4Subnet Pool = new(0x0A590000, 16); // 10.89.0.0/16
    public static readonly Ipv4Subnet PreferredDefault = new(0x0A580000, 16); // 10.88.0.0/16

    public static Ipv4Subnet Allocate(IEnumerable<Ipv4Subnet> taken)
    {
        var busy = taken.ToList();
        for (uint network = Pool.Network; Pool.Contains(network); network += 256)
        {
            var candidate = new Ipv4Subnet(network, 24);
            if (IsFree(candidate, busy))
            {
                return candidate;
            }
        }
        throw new ContainerToolsException(ErrorIds.SubnetPoolExhausted, $"Every /24 of {Pool} is used by a network or a host route; give the network a subnet explicitly.", Pool.ToString());
    }

    public static bool IsFree(Ipv4Subnet candidate, IEnumerable<Ipv4Subnet> taken) => !taken.Any(candidate.Overlaps);
}
