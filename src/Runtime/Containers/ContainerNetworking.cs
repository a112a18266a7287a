using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Network;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers;

/// <summary>
/// A container's network, set up by the engine before the monitor exists: a network namespace kept alive by a bind
/// mount (containers/ID/netns), attached through CNI, which the launcher then joins. See docs/processes.md.
/// </summary>
public sealed partial class ContainerStore
{
    /// <summary>
    /// The network namespace exists and has its interfaces, addresses and hosts file before the program starts. The
    /// published ports' rules (portmap) may still be in the making: <see cref="ConnectedNetwork.Complete"/> waits for
    /// them, and Start calls it after starting the monitor, so the two overlap. A port's rule that appears a few
    /// milliseconds after the program started is no different, seen from outside, from a program that has not called
    /// listen yet; Start still returns only once every rule exists.
    /// </summary>
    private ConnectedNetwork ConnectNetwork(Container container)
    {
        var definition = container.Definition;
        var paths = container.Paths;
        WriteNameFiles(container);
        if (!definition.UsesNetworkNamespaceFile) return new ConnectedNetwork([], null);
        // A previous run whose exit nobody has processed yet still holds its namespace: release it first.
        if (File.Exists(paths.NetnsFile)) DisconnectNetwork(container);
        NetworkNamespaceFile.Create(paths.NetnsFile);
        try
        {
            if (!NetworkModes.IsAttached(definition.Network) || definition.ConnectedNetworks.Count > 0)
            {
                // Several networks: one after the other (each Attach holds the store's lock while it runs).
                IReadOnlyList<PortMapping> ports = [];
                if (NetworkModes.IsAttached(definition.Network))
                {
                    ports = Attach(container, paths.NetnsFile, definition.Network, definition.NetworkAliases, definition.Publish).PortMappings;
                }
                foreach (var connection in definition.ConnectedNetworks)
                {
                    Attach(container, paths.NetnsFile, connection.Name, connection.Aliases, []);
                }
                return new ConnectedNetwork(ports, null);
            }
            var pending = Networks.BeginAttach(AttachRequestFor(container, paths.NetnsFile, definition.Network, definition.NetworkAliases, definition.Publish));
            return new ConnectedNetwork(pending.Endpoint.PortMappings, pending);
        }
        catch
        {
            DisconnectNetwork(container);
            throw;
        }
    }

    /// <summary>What <see cref="ConnectNetwork"/> set up: the resolved host ports, and an attachment still finishing its ports.</summary>
    private sealed record ConnectedNetwork(IReadOnlyList<PortMapping> Ports, NetworkStore.PendingAttachment? Pending)
    {
        /// <summary>Waits for the published ports' rules; throws (with the attachment undone) if they could not be made.</summary>
        public void Complete() => Pending?.Complete();
    }

    private Endpoint Attach(Container container, string netnsPath, string network, IReadOnlyList<string> aliases, IReadOnlyList<PortMapping> ports) =>
        Networks.Attach(AttachRequestFor(container, netnsPath, network, aliases, ports));

    private static AttachRequest AttachRequestFor(Container container, string netnsPath, string network, IReadOnlyList<string> aliases, IReadOnlyList<PortMapping> ports) =>
        new()
        {
            ContainerId = container.Id,
            NetnsPath = netnsPath,
            NetworkName = network,
            ContainerName = container.Name,
            Hostname = container.Definition.Hostname,
            Aliases = aliases,
            PortMappings = ports,
            HostsFilePath = container.Paths.HostsFile,
        };

    /// <summary>
    /// Joins a network besides the container's own (docker network connect): recorded, so every start attaches it, and
    /// attached at once when the container runs.
    /// </summary>
    public Container Connect(string idOrName, string network, IReadOnlyList<string>? aliases = null)
    {
        var id = Resolve(idOrName).Id;
        aliases ??= [];
        foreach (var alias in aliases) HostNames.Validate(alias, "alias");
        return WithLock(id, container =>
        {
            var definition = container.Definition;
            if (definition.Network == NetworkModes.Host)
                throw new ContainerToolsException(ErrorIds.HostNetworkCannotConnect, $"The container '{container.Name}' uses the host's network: it cannot join other networks.", container.Name);
            if (!NetworkModes.IsAttached(network))
                throw new ContainerToolsException(ErrorIds.InvalidNetwork, $"A container cannot be connected to '{network}'.", network);
            if (network != NetworkModes.Bridge) Networks.Get(network);
            if (definition.Network == network || definition.ConnectedNetworks.Any(c => c.Name == network))
                throw new ContainerToolsException(ErrorIds.AlreadyConnected, $"The container '{container.Name}' is already on the network '{network}'.", container.Name);
            var running = container.Status is ContainerStatus.Running or ContainerStatus.Paused;
            if (running)
            {
                var netns = File.Exists(container.Paths.NetnsFile) ? container.Paths.NetnsFile : $"/proc/{container.State.Pid}/ns/net";
                Attach(container, netns, network, aliases, []);
            }
            var updated = container with
            {
                Definition = definition with { ConnectedNetworks = [.. definition.ConnectedNetworks, new NetworkConnection { Name = network, Aliases = aliases }] },
            };
            SaveDefinition(updated);
            return updated;
        });
    }

    /// <summary>Leaves a network (docker network disconnect); leaving the container's own network leaves it with loopback only.</summary>
    public Container Disconnect(string idOrName, string network)
    {
        var id = Resolve(idOrName).Id;
        return WithLock(id, container =>
        {
            var definition = container.Definition;
            var isOwn = definition.Network == network && NetworkModes.IsAttached(network);
            if (!isOwn && !definition.ConnectedNetworks.Any(c => c.Name == network))
                throw new ContainerToolsException(ErrorIds.NotConnected, $"The container '{container.Name}' is not on the network '{network}'.", container.Name);
            if (container.Status is ContainerStatus.Running or ContainerStatus.Paused) Networks.Detach(container.Id, network);
            var updated = container with
            {
                Definition = isOwn
                    ? definition with { Network = NetworkModes.None, NetworkAliases = [], Publish = [] }
                    : definition with { ConnectedNetworks = definition.ConnectedNetworks.Where(c => c.Name != network).ToList() },
            };
            if (isOwn) updated = SaveState(updated, updated.State with { Ports = [] });
            SaveDefinition(updated);
            return updated;
        });
    }

    /// <summary>container.json and the bundle, which follows it (which network namespace the launcher joins).</summary>
    private void SaveDefinition(Container container)
    {
        _written.TryRemove(container.Id, out _);
        ContainerStateJson.WriteFile(container.Paths.DefinitionFile, container.Definition, ContainerStateJson.Default.ContainerDefinition);
        ContainerBundle.Write(container);
    }

    /// <summary>Detaches from every network while the namespace is still alive, then lets the namespace go.</summary>
    private void DisconnectNetwork(Container container)
    {
        try
        {
            Networks.DetachAll(container.Id);
        }
        finally
        {
            // Even when a plugin failed: the endpoint records stay for a later DetachAll, the mount must not block Remove.
            NetworkNamespaceFile.Remove(container.Paths.NetnsFile);
        }
    }

    /// <summary>
    /// The files bind-mounted at /etc/hosts, /etc/resolv.conf and /etc/hostname. On a network, Attach rewrites the
    /// hosts file with the container's address and its peers.
    /// </summary>
    internal static void WriteNameFiles(Container container)
    {
        var definition = container.Definition;
        var paths = container.Paths;
        if (definition.Network == NetworkModes.Host)
        {
            HostsFile.Write(paths.HostsFile, File.Exists("/etc/hosts") ? File.ReadAllText("/etc/hosts") : HostsFile.Compose([]));
            HostsFile.Write(paths.ResolvConfFile, File.Exists(ResolvConf.HostPath) ? File.ReadAllText(ResolvConf.HostPath) : "");
        }
        else
        {
            HostsFile.Write(paths.HostsFile, HostsFile.Compose(definition.Network == NetworkModes.None
                ? [new HostsFile.Entry("127.0.1.1", [definition.Hostname, definition.Name])]
                : []));
            ResolvConf.WriteForContainer(paths.ResolvConfFile);
        }
        HostsFile.Write(paths.HostnameFile, definition.Hostname + "\n");
    }

    /// <summary>Checks the network settings at create: a known network, and ports only where they can be published.</summary>
    private string ValidateNetwork(ContainerCreateOptions options, IReadOnlyList<PortMapping> publish)
    {
        var network = options.Network ?? Options.DefaultNetwork ?? Environment.GetEnvironmentVariable(NetworkModes.DefaultVariable) ?? NetworkModes.Bridge;
        if (string.IsNullOrWhiteSpace(network)) network = NetworkModes.Bridge;
        if (!NetworkModes.IsAttached(network))
        {
            if (publish.Count > 0)
                throw new ContainerToolsException(ErrorIds.PortsNeedNetwork, $"Ports cannot be published from a container on the '{network}' network.", network);
            if (options.NetworkAliases.Count > 0)
                throw new ContainerToolsException(ErrorIds.AliasesNeedNetwork, $"Network aliases need a network other than '{network}'.", network);
            return network;
        }
        foreach (var alias in options.NetworkAliases) HostNames.Validate(alias, "alias");
        if (network != NetworkModes.Bridge)
        {
            var record = Networks.Get(network);
            if (record.Internal && publish.Count > 0)
                throw new ContainerToolsException(ErrorIds.PortsOnInternalNetwork, $"The network '{network}' is internal: nothing outside it can reach a published port.", network);
        }
        return network;
    }
}
