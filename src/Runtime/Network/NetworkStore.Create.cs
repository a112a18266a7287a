using System.Security.Cryptography;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Oci;
using ContainerTools.Runtime.Storage;
using ContainerTools.OciRuntime.Files;

namespace ContainerTools.Runtime.Network;

public sealed partial class NetworkStore
{
    /// <summary>
    /// Records a new network. Nothing is created on the host yet: the bridge appears with the first attached
    /// container (the bridge plugin creates it) and disappears with <see cref="Remove"/>.
    /// </summary>
    public ContainerNetwork Create(string name, string? subnet = null, string? gateway = null, bool @internal = false) =>
        Create(name, subnet, gateway, @internal, labels: null);

    public ContainerNetwork Create(string name, string? subnet, string? gateway, bool @internal, IReadOnlyDictionary<string, string>? labels)
    {
        NetworkNames.Validate(name);
        using var _ = Lock();
        return CreateLocked(name, subnet, gateway, @internal, preferred: null, labels);
    }

    /// <summary>The network containers join when they name none, created the first time it is asked for.</summary>
    public ContainerNetwork GetOrCreateDefault()
    {
        using var _ = Lock();
        return GetOrCreateDefaultLocked();
    }

    private ContainerNetwork GetOrCreateDefaultLocked() =>
        TryRead(_paths.Record(ContainerNetwork.DefaultName))
        ?? CreateLocked(ContainerNetwork.DefaultName, null, null, false, preferred: SubnetAllocator.PreferredDefault);

    private ContainerNetwork CreateLocked(string name, string? subnetText, string? gatewayText, bool @internal, Ipv4Subnet? preferred, IReadOnlyDictionary<string, string>? labels = null)
    {
        if (File.Exists(_paths.Record(name)))
        {
            throw new ContainerToolsException(ErrorIds.NetworkAlreadyExists, $"A network named '{name}' already exists.", name);
        }
        if (subnetText is null && gatewayText is not null)
        {
            throw new ContainerToolsException(ErrorIds.InvalidGateway, "A gateway can only be given together with a subnet.", gatewayText);
        }
        var taken = List().Select(n => Ipv4Subnet.Parse(n.Subnet)).Concat(HostRoutes.Read()).ToList();
        Ipv4Subnet subnet;
        if (subnetText is not null)
        {
            subnet = Ipv4Subnet.Parse(subnetText);
            if (!SubnetAllocator.IsFree(subnet, taken))
            {
                throw new ContainerToolsException(ErrorIds.SubnetInUse, $"The subnet {subnet} overlaps another network or a route of this host.", subnetText);
            }
        }
        else
        {
            subnet = preferred is { } p && SubnetAllocator.IsFree(p, taken) ? p : SubnetAllocator.Allocate(taken);
        }
        var gateway = gatewayText is null ? subnet.FirstHost : ParseGateway(subnet, gatewayText);
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        var network = new ContainerNetwork
        {
            Name = name,
            Id = id,
            Subnet = subnet.ToString(),
            Gateway = Ipv4Subnet.FormatAddress(gateway),
            Bridge = "ct-" + id[..12],
            Internal = @internal,
            Created = DateTimeOffset.UtcNow,
            Labels = labels is { Count: > 0 } ? labels : null,
        };
        AtomicFile.WriteAllBytes(_paths.Record(name), OciJson.Serialize(network));
        return network;
    }

    private static uint ParseGateway(Ipv4Subnet subnet, string text)
    {
        if (!Ipv4Subnet.TryParseAddress(text, out var gateway) || !subnet.Contains(gateway) || gateway == subnet.Network || gateway == subnet.Broadcast)
        {
            throw new ContainerToolsException(ErrorIds.InvalidGateway, $"The gateway '{text}' is not a host address inside {subnet}.", text);
        }
        return gateway;
    }
}
