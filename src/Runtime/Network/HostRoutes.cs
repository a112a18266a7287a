using System.Globalization;

namespace ContainerTools.Runtime.Network;

/// <summary>The IPv4 destinations the host already routes, so a new network never shadows one of them.</summary>
public static class HostRoutes
{
    /// <summary>Every non-default route in /proc/net/route (the main table, as the kernel prints it).</summary>
    public static IReadOnlyList<Ipv4Subnet> Read(string routeTable = "/proc/net/route")
    {
        var routes = new List<Ipv4Subnet>();
        foreach (var line in File.ReadLines(routeTable).Skip(1))
        {
            var fields = line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fields.Length < 8
                || !uint.TryParse(fields[1], NumberStyles.HexNumber, null, out var destination)
                || !uint.TryParse(fields[7], NumberStyles.HexNumber, null, out var mask)
                || mask == 0)
            {
                continue;
            }
            // The kernel prints addresses in network byte order read as a little-endian word.
            var network = (uint)System.Net.IPAddress.NetworkToHostOrder((int)destination);
            var prefix = System.Numerics.BitOperations.PopCount(mask);
            routes.Add(new Ipv4Subnet(network & (prefix == 0 ? 0 : uint.MaxValue << (32 - prefix)), prefix));
        }
        return routes;
    }
}
