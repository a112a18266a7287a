using System.Security.Cryptography;
using ContainerTools.Runtime.Network;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Tests.Network;

/// <summary>
/// One test's store root and the network namespaces it creates (ip netns add ct-t-RANDOM). Dispose removes every
/// network of the store with force (detaching what is left), the namespaces, their /etc/netns files and the root,
/// then checks that no interface, iptables rule or file of the test survived.
/// </summary>
internal sealed class NetworkSandbox : IDisposable
{
    private readonly List<string> _namespaces = [];
    private readonly HashSet<string> _bridges = [];
    private readonly HashSet<string> _ips = [];

    private readonly NetworkHostState _host;

    public NetworkSandbox(NetworkHostState host)
    {
        _host = host;
        Tag = Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();
        RootPath = Path.Combine(Path.GetTempPath(), $"ct-net-{Tag}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(RootPath);
        Root = new StoreRoot(RootPath);
        Store = new NetworkStore(Root);
    }

    public string Tag { get; }
    public string RootPath { get; }
    public StoreRoot Root { get; }
    public NetworkStore Store { get; }

    /// <summary>A /24 in 10.200.0.0/13 that no host route covers: tests never share one, even across runs.</summary>
    public static string RandomSubnet()
    {
        var routes = HostRoutes.Read();
        while (true)
        {
            var candidate = new Ipv4Subnet((uint)(0x0AC80000 + (RandomNumberGenerator.GetInt32(0, 8 * 256) << 8)), 24);
            if (SubnetAllocator.IsFree(candidate, routes))
            {
                return candidate.ToString();
            }
        }
    }

    public ContainerNetwork CreateNetwork(string name, bool @internal = false)
    {
        var network = Store.Create(name, RandomSubnet(), null, @internal);
        _bridges.Add(network.Bridge);
        return network;
    }

    /// <summary>A fresh namespace; its hosts file lives where `ip netns exec` bind-mounts it over /etc/hosts.</summary>
    public string CreateNamespace(out string netnsPath)
    {
        var name = $"ct-t-{Tag}-{_namespaces.Count}";
        HostCommand.Check("ip", "netns", "add", name);
        _namespaces.Add(name);
        netnsPath = $"/var/run/netns/{name}";
        return name;
    }

    public static string HostsFileOf(string netnsName) => $"/etc/netns/{netnsName}/hosts";

    public Endpoint Attach(string netnsName, string network, string name, IReadOnlyList<PortMapping>? ports = null, IReadOnlyList<string>? aliases = null, string? containerId = null)
    {
        var endpoint = Store.Attach(new AttachRequest
        {
            ContainerId = containerId ?? $"{Tag}{name}{Guid.NewGuid():N}",
            NetnsPath = $"/var/run/netns/{netnsName}",
            NetworkName = network,
            ContainerName = name,
            Aliases = aliases ?? [],
            PortMappings = ports ?? [],
            HostsFilePath = HostsFileOf(netnsName),
        });
        _ips.Add(endpoint.IpAddress);
        return endpoint;
    }

    public static HostCommand.Output InNamespace(string netnsName, params string[] command) =>
        HostCommand.Run("ip", ["netns", "exec", netnsName, .. command]);

    /// <summary>Asserts that nothing of this test is left on the host: bridges, veths, iptables rules, files.</summary>
    public void AssertHostClean()
    {
        var links = HostCommand.Check("ip", "-o", "link", "show");
        foreach (var bridge in _bridges)
        {
            Assert.DoesNotContain(bridge, links);
        }
        var rules = string.Join('\n', HostCommand.IptablesRules());
        Assert.DoesNotContain(Tag, rules);
        foreach (var ip in _ips)
        {
            Assert.DoesNotContain(ip + "/", rules);
            Assert.DoesNotContain(ip + ":", rules);
        }
        _host.AssertIptablesAsBefore();
    }

    public void Dispose()
    {
        try
        {
            foreach (var network in Store.List())
            {
                _bridges.Add(network.Bridge);
                Store.Remove(network.Name, force: true);
            }
        }
        finally
        {
            foreach (var ns in _namespaces)
            {
                HostCommand.Run("ip", "netns", "del", ns);
                if (Directory.Exists($"/etc/netns/{ns}"))
                {
                    Directory.Delete($"/etc/netns/{ns}", recursive: true);
                }
            }
            foreach (var bridge in _bridges)
            {
                HostCommand.Run("ip", "link", "del", bridge);
            }
            DirectoryRemover.TryRemove(RootPath);
        }
    }
}
