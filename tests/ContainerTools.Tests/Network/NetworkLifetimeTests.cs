using ContainerTools.Runtime.Network;

namespace ContainerTools.Tests.Network;

[Collection(NetworkCollection.Name)]
public sealed class NetworkLifetimeTests(NetworkHostState host)
{
    [Fact]
    public void DetachAfterTheNamespaceIsGoneStillReleasesLeaseAndRules()
    {
        using var sandbox = new NetworkSandbox(host);
        sandbox.CreateNetwork("gone");
        var ns = sandbox.CreateNamespace(out _);
        var endpoint = sandbox.Attach(ns, "gone", "ghost", ports: [PortMapping.Parse("127.0.0.1::80")]);
        Assert.Contains(HostCommand.IptablesRules(), r => r.Contains(sandbox.Tag) && !r.Contains("--comment \"containertools network gone "));
        var leases = Path.Combine(sandbox.RootPath, "networks", "gone", "ipam", "gone");
        Assert.True(File.Exists(Path.Combine(leases, endpoint.IpAddress)));

        // The container died and its namespace with it, before anyone detached it.
        HostCommand.Check("ip", "netns", "del", ns);
        Assert.True(sandbox.Store.Detach(endpoint.ContainerId, "gone"));

        Assert.False(File.Exists(Path.Combine(leases, endpoint.IpAddress)));
        // The network's own rules stay until it is removed (they name the store's path, which holds the tag).
        var rules = HostCommand.IptablesRules().Where(r => r.Contains(sandbox.Tag) && !r.Contains("--comment \"containertools network gone ")).ToList();
        Assert.True(rules.Count == 0, string.Join('\n', rules));
        Assert.Empty(sandbox.Store.Endpoints("gone"));
        sandbox.Store.Remove("gone");
        sandbox.AssertHostClean();
    }

    [Fact]
    public void ConcurrentAttachesGetDistinctAddressesAndAllSeeEachOther()
    {
        using var sandbox = new NetworkSandbox(host);
        sandbox.CreateNetwork("crowd");
        var namespaces = Enumerable.Range(0, 4).Select(_ => sandbox.CreateNamespace(out var _)).ToList();
        // Separate store objects, as separate processes would have: only the store's file lock orders them.
        var endpoints = namespaces.AsParallel().WithDegreeOfParallelism(4)
            .Select((ns, i) => new NetworkStore(sandbox.Root).Attach(new AttachRequest
            {
                ContainerId = $"{sandbox.Tag}c{i}", NetnsPath = $"/var/run/netns/{ns}", NetworkName = "crowd",
                ContainerName = $"member{i}", HostsFilePath = NetworkSandbox.HostsFileOf(ns),
            }))
            .ToList();

        Assert.Equal(4, endpoints.Select(e => e.IpAddress).Distinct().Count());
        foreach (var ns in namespaces)
        {
            var hosts = File.ReadAllText(NetworkSandbox.HostsFileOf(ns));
            Assert.All(Enumerable.Range(0, 4), i => Assert.Contains($"member{i}", hosts));
        }
        var ping = NetworkSandbox.InNamespace(namespaces[0], "busybox", "ping", "-c", "1", "-W", "5", "member3");
        Assert.True(ping.ExitCode == 0, ping.Stdout + ping.Stderr);

        sandbox.Store.Remove("crowd", force: true);
        sandbox.AssertHostClean();
    }
}
