using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Network.Cni;
using ContainerTools.Runtime.Oci;
using ContainerTools.Runtime.Storage;
using ContainerTools.OciRuntime.Files;

namespace ContainerTools.Runtime.Network;

/// <summary>
/// The networks of one store and the containers attached to them. Every change holds locks/networks.lock, so
/// subnets, interface names and hosts files are decided by one process at a time.
/// </summary>
public sealed partial class NetworkStore
{
    private readonly NetworkPaths _paths;
    private readonly CniInvoker _cni;

    public NetworkStore(StoreRoot root, CniInvoker? cni = null)
    {
        Root = root;
        _paths = new NetworkPaths(root);
        _cni = cni ?? new CniInvoker();
    }

    public StoreRoot Root { get; }

    public IReadOnlyList<ContainerNetwork> List()
    {
        if (!Directory.Exists(_paths.Directory))
        {
            return [];
        }
        return Directory.EnumerateFiles(_paths.Directory, "*.json")
            .Where(path => !Path.GetFileName(path).StartsWith('.'))
            .Select(path => TryRead(path))
            .OfType<ContainerNetwork>()
            .OrderBy(n => n.Name, StringComparer.Ordinal)
            .ToList();
    }

    public ContainerNetwork Get(string name) => TryGet(name) ?? throw NotFound(name);

    public ContainerNetwork? TryGet(string name)
    {
        NetworkNames.Validate(name);
        return TryRead(_paths.Record(name));
    }

    /// <summary>The containers attached to a network, by container id.</summary>
    public IReadOnlyList<Endpoint> Endpoints(string networkName)
    {
        Get(networkName);
        return ReadEndpoints(networkName);
    }

    /// <summary>Every network a container is attached to, one endpoint each.</summary>
    public IReadOnlyList<Endpoint> EndpointsOf(string containerId) =>
        List().SelectMany(n => ReadEndpoints(n.Name)).Where(e => e.ContainerId == containerId).ToList();

    private FileLock Lock() => FileLock.Acquire(_paths.Lock);

    private static ContainerNetwork? TryRead(string path)
    {
        try
        {
            return OciJson.Parse<ContainerNetwork>(File.ReadAllBytes(path), $"network record '{path}'");
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    private IReadOnlyList<Endpoint> ReadEndpoints(string networkName)
    {
        var dir = _paths.Endpoints(networkName);
        if (!Directory.Exists(dir))
        {
            return [];
        }
        try
        {
            return Directory.EnumerateFiles(dir, "*.json")
                .Where(path => !Path.GetFileName(path).StartsWith('.'))
                .Select(TryParseEndpoint)
                .OfType<Endpoint>()
                .OrderBy(e => e.Created)
                .ToList();
        }
        catch (DirectoryNotFoundException)
        {
            // The network was removed while its endpoints were listed.
            return [];
        }
    }

    private Endpoint? TryReadEndpoint(string networkName, string containerId)
    {
        return TryParseEndpoint(_paths.Endpoint(networkName, containerId));
    }

    /// <summary>null when the container was detached (its endpoint file removed) before the file could be read: listings do not lock the store.</summary>
    private static Endpoint? TryParseEndpoint(string path)
    {
        try
        {
            return OciJson.Parse<Endpoint>(File.ReadAllBytes(path), $"endpoint record '{path}'");
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static ContainerToolsException NotFound(string name) =>
        new(ErrorIds.NetworkNotFound, $"No network named '{name}' exists.", name);
}
