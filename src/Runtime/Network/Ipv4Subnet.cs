using System.Net;
using System.Net.Sockets;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Network;

/// <summary>An IPv4 network in CIDR form (10.89.0.0/24): the only address family networks use for now.</summary>
public readonly record struct Ipv4Subnet(uint Network, int PrefixLength)
{
    public uint Mask => PrefixLength == 0 ? 0u : uint.MaxValue << (32 - PrefixLength);

    public uint Broadcast => Network | ~Mask;

    public bool Contains(uint address) => (address & Mask) == Network;

    public bool Overlaps(Ipv4Subnet other)
    {
        var shorter = Math.Min(PrefixLength, other.PrefixLength);
        var mask = shorter == 0 ? 0u : uint.MaxValue << (32 - shorter);
        return (Network & mask) == (other.Network & mask);
    }

    /// <summary>The first usable address, which networks use as their gateway by convention.</summary>
    public uint FirstHost => Network + 1;

    public override string ToString() => $"{FormatAddress(Network)}/{PrefixLength}";

    /// <summary>Parses "10.89.3.0/24"; host bits must be zero and the prefix leave room for a gateway and one container.</summary>
    public static Ipv4Subnet Parse(string text)
    {
        var slash = text.IndexOf('/');
        if (slash < 0 || !int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null, out var prefix) || prefix > 30 || prefix < 8
            || !TryParseAddress(text[..slash], out var address))
        {
            throw Invalid(text, "expected an IPv4 network in CIDR form with a prefix from /8 to /30, such as 10.89.5.0/24");
        }
        var subnet = new Ipv4Subnet(address, prefix);
        if ((address & ~subnet.Mask) != 0)
        {
            throw Invalid(text, $"host bits are set; did you mean {new Ipv4Subnet(address & subnet.Mask, prefix)}?");
        }
        return subnet;
    }

    public static bool TryParseAddress(string text, out uint address)
    {
        address = 0;
        if (!IPAddress.TryParse(text, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork || text.Count(c => c == '.') != 3)
        {
            return false;
        }
        var bytes = ip.GetAddressBytes();
        address = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        return true;
    }

    public static string FormatAddress(uint address) =>
        $"{address >> 24}.{(address >> 16) & 0xff}.{(address >> 8) & 0xff}.{address & 0xff}";

    private static ContainerToolsException Invalid(string text, string why) =>
        new(ErrorIds.InvalidSubnet, $"The subnet '{text}' is not valid: {why}.", text);
}
