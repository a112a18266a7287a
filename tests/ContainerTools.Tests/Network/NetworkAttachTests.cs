using ContainerTools.Runtime.Network;

namespace ContainerTools.Tests.Network;

[Collection(NetworkCollection.Name)]
public sealed class NetworkAttachTests(NetworkHostState host)
{
    [Fact]
    public void TwoNamespacesOnOneNetworkReachEachOtherByName()
    {
        using var sandbox = new NetworkSandbox(host);
        var network = sandbox.CreateNetwork("front");
        var a = sandbox.CreateNamespace(out _);
        var b = sandbox.CreateNamespace(out _);

        var endpointA = sandbox.Attach(a, "front", "web");
        var endpointB = sandbox.Attach(b, "front", "db", aliases: ["database"]);

        Assert.Equal("eth0", endpointA.InterfaceName);
        Assert.Equal(network.Gateway, endpointA.Gateway);
        Assert.True(Ipv4Subnet.TryParseAddress(endpointB.IpAddress, out var ipB) && Ipv4Subnet.Parse(network.Subnet).Contains(ipB));
        Assert.Matches("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$", endpointA.MacAddress);
        var inside = NetworkSandbox.InNamespace(a, "ip", "-o", "-4", "addr", "show", "eth0");
        Assert.Contains($"{endpointA.IpAddress}/24", inside.Stdout);
        Assert.Contains("UP", NetworkSandbox.InNamespace(a, "ip", "link", "show", "lo").Stdout);

        // a learned about b when b joined: its hosts file was rewritten, and ping resolves the alias through it.
        Assert.Contains($"{endpointB.IpAddress}\tdb database", File.ReadAllText(NetworkSandbox.HostsFileOf(a)));
        Assert.Contains($"{endpointA.IpAddress}\tweb", File.ReadAllText(NetworkSandbox.HostsFileOf(b)));
        var ping = NetworkSandbox.InNamespace(a, "busybox", "ping", "-c", "1", "-W", "5", "database");
        Assert.True(ping.ExitCode == 0, ping.Stdout + ping.Stderr);
        Assert.Contains(endpointB.IpAddress, ping.Stdout);

        Assert.True(sandbox.Store.Detach(endpointB.ContainerId, "front"));
        Assert.DoesNotContain(endpointB.IpAddress, File.ReadAllText(NetworkSandbox.HostsFileOf(a)));
        Assert.DoesNotContain("eth0", NetworkSandbox.InNamespace(b, "ip", "-o", "link").Stdout);
        Assert.False(sandbox.Store.Detach(endpointB.ContainerId, "front"));
        Assert.True(sandbox.Store.Detach(endpointA.ContainerId, "front"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(sandbox.RootPath, "networks", "front", "ipam", "front"), "10.*"));

        sandbox.Store.Remove("front");
        Assert.False(Directory.Exists(Path.Combine(sandbox.RootPath, "networks", "front")));
        Assert.False(File.Exists(Path.Combine(sandbox.RootPath, "networks", "front.json")));
        sandbox.AssertHostClean();
    }
}
