using System.Text.Json.Nodes;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Network.Cni;
using ContainerTools.Runtime.Oci;
using ContainerTools.Runtime.Storage;
using ContainerTools.OciRuntime.Files;

namespace ContainerTools.Runtime.Network;

public sealed partial class NetworkStore
{
    /// <summary>
    /// Connects a network namespace to a network: lo up, a veth pair into the bridge, an address from host-local,
    /// the published ports' DNAT rules, FORWARD accepted; then the hosts files of every container on the network.
    /// </summary>
    public Endpoint Attach(AttachRequest request) => BeginAttach(request).Complete();

    /// <summary>
    /// <see cref="Attach"/> in two halves, for a caller with other work meanwhile (the lifecycle starts the container's
    /// monitor): returns once the interface has its address and the endpoint record and hosts files are written, while
    /// portmap's ADD for published ports still runs. <see cref="PendingAttachment.Complete"/> waits for it (and undoes
    /// the attachment if it failed); the store's lock is held until then, so call Complete exactly once.
    /// </summary>
    public PendingAttachment BeginAttach(AttachRequest request)
    {
        ContainerIds.Validate(request.ContainerId);
        NetworkNames.Validate(request.NetworkName);
        HostNames.Validate(request.ContainerName, "container name");
        HostNames.Validate(request.Hostname, "hostname");
        foreach (var alias in request.Aliases)
        {
            HostNames.Validate(alias, "alias");
        }
        if (request.InterfaceName is { } ifname && (ifname.Length is 0 or > 15 || ifname is "." or ".." || !ifname.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')))
        {
            throw new ContainerToolsException(ErrorIds.InvalidInterfaceName, $"The interface name '{ifname}' is not 1 to 15 letters, digits, '_', '-' or '.'.", ifname);
        }
        if (!File.Exists(request.NetnsPath))
        {
            throw new ContainerToolsException(ErrorIds.NetworkNamespaceNotFound, $"The network namespace '{request.NetnsPath}' does not exist.", request.NetnsPath);
        }
        var held = Lock();
        try
        {
            return BeginAttachLocked(request, held);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    private PendingAttachment BeginAttachLocked(AttachRequest request, FileLock held)
    {
        var network = request.NetworkName == ContainerNetwork.DefaultName ? GetOrCreateDefaultLocked() : Get(request.NetworkName);
        if (TryReadEndpoint(network.Name, request.ContainerId) is not null)
        {
            throw new ContainerToolsException(ErrorIds.EndpointAlreadyExists, $"The container '{request.ContainerId}' is already attached to the network '{network.Name}'.", request.ContainerId);
        }
        if (network.Internal && request.PortMappings.Count > 0)
        {
            throw new ContainerToolsException(ErrorIds.PortsOnInternalNetwork, $"The network '{network.Name}' is internal: nothing outside it can reach a published port.", network.Name);
        }
        var ports = FreePort.Resolve(request.PortMappings);
        CheckPortsFree(ports);
        var interfaceName = request.InterfaceName ?? NextInterfaceName(request.ContainerId);
        EnsureHostRules(network);
        var conflist = NetworkConflist.Build(network, _paths.Ipam(network.Name), ports.Count > 0);
        var attachment = new CniAttachment(request.ContainerId, request.NetnsPath, interfaceName, NetworkConflist.RuntimeConfig(ports));

        BringUpLoopback(request.NetnsPath);
        // A pending record before ADD: if this process dies mid-way, Detach and Remove still find the attachment
        // (and its ports stay reserved) instead of leaking a veth, a lease and rules nobody knows about.
        var recordPath = _paths.Endpoint(network.Name, request.ContainerId);
        AtomicFile.WriteAllBytes(recordPath, OciJson.Serialize(ToEndpoint(request, network, interfaceName, ports, result: null)));
        CniAddition addition;
        try
        {
            addition = _cni.StartAdd(conflist, attachment);
        }
        catch
        {
            TryDelete(recordPath);
            throw;
        }
        try
        {
            MarkBridge(network);
            // portmap hands the bridge's result on unchanged, so this is the record the finished ADD would write.
            var endpoint = ToEndpoint(request, network, interfaceName, ports, addition.FirstResult);
            AtomicFile.WriteAllBytes(recordPath, OciJson.Serialize(endpoint));
            RefreshHostsFiles(network.Name);
            return new PendingAttachment(this, endpoint, recordPath, addition, held);
        }
        catch
        {
            try
            {
                addition.Finish();
                _cni.DeleteConcurrently(conflist, attachment, addition.FirstResult);
            }
            catch (ContainerToolsException)
            {
            }
            TryDelete(recordPath);
            throw;
        }
    }

    /// <summary>
    /// lo up in the namespace, as the CNI loopback plugin would do it but over rtnetlink from a thread that joins the
    /// namespace: one plugin process less per attach. Never undone: lo dies with its namespace.
    /// </summary>
    private static void BringUpLoopback(string netnsPath)
    {
        try
        {
            NetworkLinks.BringUpLoopback(netnsPath);
        }
        catch (Exception ex) when (ex is SystemCallException or IOException)
        {
            throw new ContainerToolsException(ErrorIds.InvalidNetworkNamespace, $"Could not bring up the loopback interface in '{netnsPath}': {ex.Message}", netnsPath, ex);
        }
    }

    /// <summary>
    /// Makes the network's masquerade and FORWARD rules if this boot has not got them yet: the first attach after the
    /// network's creation or after a reboot (which empties iptables). networks/NAME/host-rules holds the boot id they were
    /// made in (and the version of the rules), so later attaches cost no iptables process at all.
    /// </summary>
    private void EnsureHostRules(ContainerNetwork network)
    {
        var marker = _paths.HostRules(network.Name);
        var boot = $"{NetworkHostRules.Version} {BootId()}";
        if (File.Exists(marker) && File.ReadAllText(marker).Trim() == boot)
        {
            return;
        }
        // Marked before they exist: whatever happens next, Remove knows there may be rules to delete.
        Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
        AtomicFile.WriteAllBytes(marker, System.Text.Encoding.ASCII.GetBytes("installing\n"));
        NetworkHostRules.Install(network, Root.Path);
        AtomicFile.WriteAllBytes(marker, System.Text.Encoding.ASCII.GetBytes(boot + "\n"));
    }

    /// <summary>
    /// Gives the bridge (made by the bridge plugin at the network's first ADD) the network's mark as its alias, so it
    /// can be told apart from other programs' bridges and traced to its store (<see cref="NetworkMark"/>).
    /// </summary>
    private void MarkBridge(ContainerNetwork network)
    {
        var mark = NetworkMark.For(network, Root.Path).Text;
        if (NetworkLinks.Alias(network.Bridge) != mark)
        {
            NetworkLinks.SetAlias(network.Bridge, mark);
        }
    }

    private static string BootId() => File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();

    /// <summary>Refuses a host port another mapping of the store or a program on the host already has.</summary>
    private void CheckPortsFree(IReadOnlyList<PortMapping> ports)
    {
        var published = List().SelectMany(n => ReadEndpoints(n.Name)).SelectMany(e => e.PortMappings.Select(p => (Endpoint: e, Port: p))).ToList();
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            var twin = ports.Take(i).FirstOrDefault(p => FreePort.Collide(p, port));
            var holder = published.FirstOrDefault(p => FreePort.Collide(p.Port, port));
            string? owner = twin is not null ? "another mapping of the same request"
                : holder.Endpoint is not null ? $"the container '{holder.Endpoint.ContainerName}' on the network '{holder.Endpoint.Network}'"
                : FreePort.IsBoundOnHost(port) ? "a program on the host" : null;
            if (owner is not null)
            {
                throw new ContainerToolsException(ErrorIds.PortAlreadyAllocated, $"The host port {port.HostPort}/{port.Protocol}{(port.HostIp is null ? "" : $" on {port.HostIp}")} is already taken by {owner}.", port.ToString());
            }
        }
    }

    private string NextInterfaceName(string containerId)
    {
        var used = List().Select(n => TryReadEndpoint(n.Name, containerId)).OfType<Endpoint>().Select(e => e.InterfaceName).ToHashSet();
        for (var i = 0; ; i++)
        {
            if (!used.Contains($"eth{i}"))
            {
                return $"eth{i}";
            }
        }
    }

    /// <summary>The record of an attachment; with no CNI result yet, a pending one (no address).</summary>
    private static Endpoint ToEndpoint(AttachRequest request, ContainerNetwork network, string interfaceName, IReadOnlyList<PortMapping> ports, JsonObject? result)
    {
        var interfaces = result?["interfaces"] as JsonArray ?? [];
        var ip = (result?["ips"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault()
            ?? (result is null ? new JsonObject() : null)
            ?? throw new ContainerToolsException(ErrorIds.NetworkPluginFailed, $"The CNI plugins attached '{request.ContainerId}' to '{network.Name}' but reported no IP address.", network.Name);
        var address = ip["address"]?.GetValue<string>() ?? "";
        var slash = address.IndexOf('/');
        string? mac = null;
        if (ip["interface"] is JsonNode indexNode && indexNode.GetValue<int>() is var index && index >= 0 && index < interfaces.Count)
        {
            mac = interfaces[index]?["mac"]?.GetValue<string>();
        }
        return new Endpoint
        {
            ContainerId = request.ContainerId,
            ContainerName = request.ContainerName ?? request.ContainerId[..Math.Min(12, request.ContainerId.Length)],
            Hostname = request.Hostname,
            Aliases = request.Aliases,
            Network = network.Name,
            InterfaceName = interfaceName,
            NetnsPath = request.NetnsPath,
            IpAddress = slash < 0 ? address : address[..slash],
            PrefixLength = slash < 0 ? 32 : int.Parse(address[(slash + 1)..]),
            Gateway = network.Internal ? null : ip["gateway"]?.GetValue<string>(),
            Pending = result is null,
            MacAddress = mac,
            PortMappings = ports,
            HostsFilePath = request.HostsFilePath,
            CniResult = result,
            NetworkRules = true,
            Created = DateTimeOffset.UtcNow,
        };
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
