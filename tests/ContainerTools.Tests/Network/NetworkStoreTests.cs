using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Network;
using ContainerTools.Runtime.Network.Cni;

namespace ContainerTools.Tests.Network;

[Collection(NetworkCollection.Name)]
public sealed class NetworkStoreTests(NetworkHostState host)
{
    [Fact]
    public void CreateListGetAndErrors()
    {
        using var sandbox = new NetworkSandbox(host);
        var store = sandbox.Store;
        var subnet = NetworkSandbox.RandomSubnet();
        var created = store.Create("alpha", subnet);
        Assert.Equal(subnet, created.Subnet);
        Assert.Equal(Ipv4Subnet.FormatAddress(Ipv4Subnet.Parse(subnet).FirstHost), created.Gateway);
        Assert.Matches("^ct-[0-9a-f]{12}$", created.Bridge);
        Assert.Equal(created, store.Get("alpha"));
        Assert.Equal(["alpha"], store.List().Select(n => n.Name));

        Assert.Equal("NetworkAlreadyExists", Assert.Throws<ContainerToolsException>(() => store.Create("alpha")).ErrorId);
        Assert.Equal("NetworkNotFound", Assert.Throws<ContainerToolsException>(() => store.Get("nope")).ErrorId);
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<ContainerToolsException>(() => store.Remove("nope")).Kind);
        Assert.Equal("InvalidNetworkName", Assert.Throws<ContainerToolsException>(() => store.Create("../x")).ErrorId);
        Assert.Equal("SubnetInUse", Assert.Throws<ContainerToolsException>(() => store.Create("beta", subnet)).ErrorId);
        foreach (var bad in new[] { "10.0.0.1/24", "10.0.0.0", "300.1.1.0/24", "10.0.0.0/31", "fd00::/64", "abc" })
        {
            var error = Assert.Throws<ContainerToolsException>(() => store.Create("gamma", bad));
            Assert.Equal((ErrorKind.InvalidArgument, "InvalidSubnet"), (error.Kind, error.ErrorId));
        }
        var other = NetworkSandbox.RandomSubnet();
        while (Ipv4Subnet.Parse(other).Overlaps(Ipv4Subnet.Parse(subnet))) other = NetworkSandbox.RandomSubnet();
        Assert.Equal("InvalidGateway", Assert.Throws<ContainerToolsException>(() => store.Create("gamma", other, "10.255.255.1")).ErrorId);
        Assert.Equal("InvalidGateway", Assert.Throws<ContainerToolsException>(() => store.Create("gamma", null, "10.89.0.1")).ErrorId);
        var withGateway = store.Create("gamma", other, Ipv4Subnet.FormatAddress(Ipv4Subnet.Parse(other).Network + 254));
        Assert.EndsWith(".254", withGateway.Gateway);

        store.Remove("alpha");
        Assert.Null(store.TryGet("alpha"));
        Assert.False(File.Exists(Path.Combine(sandbox.RootPath, "networks", "alpha.json")));
    }

    [Fact]
    public void AllocationSkipsTheStoresSubnetsAndHostRoutes()
    {
        using var sandbox = new NetworkSandbox(host);
        var routes = HostRoutes.Read();
        Assert.Contains(routes, r => r.PrefixLength > 0); // every host here routes at least its own link
        var first = Ipv4Subnet.Parse(sandbox.Store.Create("one").Subnet);
        var second = Ipv4Subnet.Parse(sandbox.Store.Create("two").Subnet);
        Assert.Equal(24, first.PrefixLength);
        Assert.True(SubnetAllocator.Pool.Contains(first.Network) && SubnetAllocator.Pool.Contains(second.Network));
        Assert.False(first.Overlaps(second));
        Assert.DoesNotContain(routes, r => r.Overlaps(first) || r.Overlaps(second));

        var taken = Enumerable.Range(0, 5).Select(i => new Ipv4Subnet(SubnetAllocator.Pool.Network + (uint)(i << 8), 24)).ToList();
        Assert.Equal("10.89.5.0/24", SubnetAllocator.Allocate(taken).ToString());
        Assert.Equal("10.89.0.0/24", SubnetAllocator.Allocate([new Ipv4Subnet(0x0A000000, 8) with { Network = 0x0B000000 }]).ToString());
        Assert.Equal("SubnetPoolExhausted", Assert.Throws<ContainerToolsException>(() => SubnetAllocator.Allocate([new Ipv4Subnet(0x0A000000, 8)])).ErrorId);
    }

    [Fact]
    public void DefaultNetworkIsCreatedOnDemandAndJoinedWithoutNames()
    {
        using var sandbox = new NetworkSandbox(host);
        var ns1 = sandbox.CreateNamespace(out _);
        var ns2 = sandbox.CreateNamespace(out _);
        Assert.Null(sandbox.Store.TryGet(ContainerNetwork.DefaultName));
        var one = sandbox.Attach(ns1, ContainerNetwork.DefaultName, "one");
        var two = sandbox.Attach(ns2, ContainerNetwork.DefaultName, "two");
        var network = sandbox.Store.Get("bridge");
        Assert.True(Ipv4Subnet.Parse(network.Subnet).Contains(Ipv4Subnet.TryParseAddress(one.IpAddress, out var ip) ? ip : 0));
        // Docker's default bridge gives no name resolution between containers: only its own line.
        var hosts = File.ReadAllText(NetworkSandbox.HostsFileOf(ns1));
        Assert.Contains($"{one.IpAddress}\tone", hosts);
        Assert.DoesNotContain(two.IpAddress, hosts);
        var ping = NetworkSandbox.InNamespace(ns1, "busybox", "ping", "-c", "1", "-W", "5", two.IpAddress);
        Assert.True(ping.ExitCode == 0, ping.Stdout + ping.Stderr);
        sandbox.Store.DetachAll(one.ContainerId);
        sandbox.Store.DetachAll(two.ContainerId);
        sandbox.Store.Remove("bridge");
        sandbox.AssertHostClean();
    }

    [Fact]
    public void RemoveRefusesANetworkInUseUnlessForced()
    {
        using var sandbox = new NetworkSandbox(host);
        sandbox.CreateNetwork("busy");
        var ns = sandbox.CreateNamespace(out _);
        var endpoint = sandbox.Attach(ns, "busy", "app");

        var error = Assert.Throws<ContainerToolsException>(() => sandbox.Store.Remove("busy"));
        Assert.Equal((ErrorKind.InUse, "NetworkInUse"), (error.Kind, error.ErrorId));
        Assert.Equal("EndpointAlreadyExists", Assert.Throws<ContainerToolsException>(() => sandbox.Store.Attach(new AttachRequest
        {
            ContainerId = endpoint.ContainerId, NetnsPath = endpoint.NetnsPath, NetworkName = "busy",
        })).ErrorId);
        sandbox.Store.Check(endpoint.ContainerId, "busy");

        sandbox.Store.Remove("busy", force: true);
        Assert.Empty(sandbox.Store.List());
        Assert.DoesNotContain("eth0", NetworkSandbox.InNamespace(ns, "ip", "-o", "link").Stdout);
        Assert.False(Directory.Exists(Path.Combine(sandbox.RootPath, "networks", "busy")));
        sandbox.AssertHostClean();
    }

    [Fact]
    public void InternalNetworkHasNoRouteOutButPeersMeet()
    {
        using var sandbox = new NetworkSandbox(host);
        sandbox.CreateNetwork("inner", @internal: true);
        sandbox.CreateNetwork("outer");
        var a = sandbox.CreateNamespace(out _);
        var b = sandbox.CreateNamespace(out _);
        var ea = sandbox.Attach(a, "inner", "a");
        var eb = sandbox.Attach(b, "inner", "b");

        Assert.Null(ea.Gateway);
        Assert.DoesNotContain("default", NetworkSandbox.InNamespace(a, "ip", "route").Stdout);
        var ping = NetworkSandbox.InNamespace(a, "busybox", "ping", "-c", "1", "-W", "5", "b");
        Assert.True(ping.ExitCode == 0, ping.Stdout + ping.Stderr);
        Assert.Equal("PortsOnInternalNetwork", Assert.Throws<ContainerToolsException>(() => sandbox.Attach(
            sandbox.CreateNamespace(out _), "inner", "c", ports: [PortMapping.Parse("80")])).ErrorId);

        // A second network is a second interface; the hosts file then covers both networks.
        var second = sandbox.Attach(a, "outer", "a", containerId: ea.ContainerId);
        Assert.Equal("eth1", second.InterfaceName);
        Assert.Contains("default", NetworkSandbox.InNamespace(a, "ip", "route").Stdout);
        Assert.Equal(["inner", "outer"], sandbox.Store.EndpointsOf(ea.ContainerId).Select(e => e.Network).Order());
        Assert.Contains($"{eb.IpAddress}\tb", File.ReadAllText(NetworkSandbox.HostsFileOf(a)));

        sandbox.Store.Remove("inner", force: true);
        sandbox.Store.Remove("outer", force: true);
        sandbox.AssertHostClean();
    }

    [Fact]
    public void FailedAddIsUndoneAndThePluginErrorReported()
    {
        using var sandbox = new NetworkSandbox(host);
        // Real plugins, except a portmap that refuses: bridge has run by the time it fails.
        var plugins = Path.Combine(sandbox.RootPath, "plugins");
        Directory.CreateDirectory(plugins);
        foreach (var real in new[] { "bridge", "host-local" })
        {
            File.CreateSymbolicLink(Path.Combine(plugins, real), Path.Combine(CniPluginRunner.DefaultPluginDirectories.First(d => File.Exists(Path.Combine(d, "bridge"))), real));
        }
        var portmap = Path.Combine(plugins, "portmap");
        File.WriteAllText(portmap, "#!/bin/sh\ncase \"$CNI_COMMAND\" in ADD) echo '{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"refused by test\",\"details\":\"on purpose\"}'; exit 1;; esac\nexit 0\n");
        if (OperatingSystem.IsWindows()) return;
        File.SetUnixFileMode(portmap, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var store = new NetworkStore(sandbox.Root, new CniInvoker(new CniPluginRunner([plugins])));
        var network = sandbox.CreateNetwork("broken");
        var ns = sandbox.CreateNamespace(out var netnsPath);

        var error = Assert.Throws<CniPluginException>(() => store.Attach(new AttachRequest
        {
            ContainerId = sandbox.Tag + "failing", NetnsPath = netnsPath, NetworkName = "broken", PortMappings = [PortMapping.Parse("127.0.0.1::80")],
        }));
        Assert.Equal(("portmap", 11, "NetworkPluginFailed"), (error.Plugin, error.Code, error.ErrorId));
        Assert.Contains("refused by test", error.Message);
        Assert.Contains("on purpose", error.Message);
        Assert.Empty(store.Endpoints("broken"));
        Assert.DoesNotContain("eth0", NetworkSandbox.InNamespace(ns, "ip", "-o", "link").Stdout);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(sandbox.RootPath, "networks", "broken", "ipam", "broken"), "10.*"));
        // Only the network's own rules (marked with the store's path, which holds the tag) remain: nothing per container.
        Assert.DoesNotContain(sandbox.Tag, string.Join('\n', HostCommand.IptablesRules().Where(r => !r.Contains("--comment \"containertools network broken "))));

        var missing = Assert.Throws<ContainerToolsException>(() => new CniPluginRunner([plugins]).FindPlugin("tuning"));
        Assert.Equal((ErrorKind.NotFound, "NetworkPluginNotFound"), (missing.Kind, missing.ErrorId));
        Assert.Equal("NetworkNamespaceNotFound", Assert.Throws<ContainerToolsException>(() => store.Attach(new AttachRequest
        {
            ContainerId = "x", NetnsPath = "/var/run/netns/ct-none-" + sandbox.Tag, NetworkName = "broken",
        })).ErrorId);
        Assert.Equal("InvalidContainerId", Assert.Throws<ContainerToolsException>(() => store.Detach("../x", "broken")).ErrorId);
        foreach (var planted in new AttachRequest[]
        {
            new() { ContainerId = "x", NetnsPath = netnsPath, NetworkName = "broken", ContainerName = "web\n6.6.6.6 bank.example" },
            new() { ContainerId = "x", NetnsPath = netnsPath, NetworkName = "broken", Aliases = ["ok", "two words"] },
            new() { ContainerId = "x", NetnsPath = netnsPath, NetworkName = "broken", Hostname = "-dash" },
        })
        {
            Assert.Equal("InvalidHostName", Assert.Throws<ContainerToolsException>(() => store.Attach(planted)).ErrorId);
        }
        Assert.Equal("InvalidInterfaceName", Assert.Throws<ContainerToolsException>(() => store.Attach(new AttachRequest
        {
            ContainerId = "x", NetnsPath = netnsPath, NetworkName = "broken", InterfaceName = "an-interface-name-too-long",
        })).ErrorId);
        store.Remove(network.Name);
        sandbox.AssertHostClean();
    }
}
