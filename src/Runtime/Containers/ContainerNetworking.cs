using ContainerTools.Runtime.Containers.State;
using ContainerTools.Runtime.Errors;
using ContainerTools.Runtime.Linux;
using ContainerTools.Runtime.Network;

namespace ContainerTools.Runtime.Containers;

/// <summary>
/// A container's network, set up by the engine before the monitor exists: a network namespace kept alive by a bind
/// mount (containers/ID/netns), attached through CNI, which the launcher then joins. See docs/processes.md.
/// </summary>
public sealed partial class ContainerStore
{
    /// <summary>The network namespace exists and is attached before the program starts; returns the resolved ports.</summary>
    private IReadOnlyList<PortMapping> ConnectNetwork(Container container)
    {
        var definition = container.Definition;
        var paths = container.Paths;
        WriteNameFiles(container);
        if (!NetworkModes.IsAttached(definition.Network)) return [];
        // A previous run whose exit nobody has processed yet still holds its namespace: release it first.
        if (File.Exists(paths.NetnsFile)) DisconnectNetwork(container);
        NetworkNamespaceFile.Create(paths.NetnsFile);
        try
        {
            var endpoint = Networks.Attach(new AttachRequest
            {
                ContainerId = definition.Id,
                NetnsPath = paths.NetnsFile,
                NetworkName = definition.Network,
                ContainerName = definition.Name,
                Hostname = definition.Hostname,
                Aliases = definition.NetworkAliases,
                PortMappings = definition.Publish,
                HostsFilePath = paths.HostsFile,
            });
            return endpoint.PortMappings;
        }
        catch
        {
            NetworkNamespaceFile.Remove(paths.NetnsFile);
            throw;
        }
    }

    /// <summary>Detaches from every network while the namespace is still alive, then lets the namespace go.</summary>
    private void DisconnectNetwork(Container container)
    {
        Networks.DetachAll(container.Id);
        NetworkNamespaceFile.Remove(container.Paths.NetnsFile);
    }

    /// <summary>Call with the container's lock held, once it no longer runs.</summary>
    private Container ReleaseNetwork(Container container)
    {
        DisconnectNetwork(container);
        return container.State.Ports.Count == 0 ? container : SaveState(container, container.State with { Ports = [] });
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
                throw new ContainerToolsException(ErrorKind.InvalidArgument, "PortsNeedNetwork",
                    $"Ports cannot be published from a container on the '{network}' network.", network);
            if (options.NetworkAliases.Count > 0)
                throw new ContainerToolsException(ErrorKind.InvalidArgument, "AliasesNeedNetwork",
                    $"Network aliases need a network other than '{network}'.", network);
            return network;
        }
        foreach (var alias in options.NetworkAliases) HostNames.Validate(alias, "alias");
        if (network != NetworkModes.Bridge)
        {
            var record = Networks.Get(network);
            if (record.Internal && publish.Count > 0)
                throw new ContainerToolsException(ErrorKind.InvalidArgument, "PortsOnInternalNetwork",
                    $"The network '{network}' is internal: nothing outside it can reach a published port.", network);
        }
        return network;
    }
}
