using System.Net;
using System.Net.Sockets;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Network;

/// <summary>
/// Chooses host ports for mappings that leave them open: the kernel's pick for a socket bound to port 0.
/// The port is released before portmap's DNAT rule claims it, so another program could take it in between,
/// the same race Docker and podman accept.
/// </summary>
public static class FreePort
{
    public static int Choose(string protocol, string? hostIp)
    {
        var address = hostIp is null ? IPAddress.Any : IPAddress.Parse(hostIp);
        try
        {
            using var socket = protocol == "udp"
                ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
                : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, 0));
            return ((IPEndPoint)socket.LocalEndPoint!).Port;
        }
        catch (SocketException ex)
        {
            throw new ContainerToolsException(ErrorIds.InvalidPortMapping, $"Cannot find a free {protocol} port on {address}: {ex.Message}.", hostIp, ex);
        }
    }

    public static IReadOnlyList<PortMapping> Resolve(IEnumerable<PortMapping> mappings) =>
        mappings.Select(m => m.HostPort != 0 ? m : m with { HostPort = Choose(m.Protocol, m.HostIp) }).ToList();

    /// <summary>
    /// Whether a host program holds the port: DNAT would silently steal its traffic (the rule sees packets before
    /// any socket does), so the engine refuses rather than hijack it. Only a probe: nothing stays bound.
    /// </summary>
    public static bool IsBoundOnHost(PortMapping mapping)
    {
        var address = mapping.HostIp is null ? IPAddress.Any : IPAddress.Parse(mapping.HostIp);
        using var socket = mapping.Protocol == "udp"
            ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, mapping.HostPort));
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            throw new ContainerToolsException(ErrorIds.InvalidPortMapping, $"The host address {address} of the port mapping '{mapping}' is not an address of this host.", mapping.ToString(), ex);
        }
    }

    /// <summary>Two mappings collide when protocol and port match and either listens on every address.</summary>
    public static bool Collide(PortMapping a, PortMapping b) =>
        a.Protocol == b.Protocol && a.HostPort == b.HostPort && (a.HostIp is null || b.HostIp is null || a.HostIp == b.HostIp);
}
