using ContainerTools.Runtime.Network;
using ContainerTools.Runtime.Network.Cni;
using ContainerTools.Runtime.Oci;

namespace ContainerTools.Tests.Network;

[Collection(NetworkCollection.Name)]
public sealed class NetworkHostRulesTests(NetworkHostState host)
{
    [Fact]
    public void ANetworkMasqueradesAndForwardsWithOneSetOfRulesThatGoesWithIt()
    {
        using var sandbox = new NetworkSandbox(host);
        var network = sandbox.CreateNetwork("once");
        var masquerade = NetworkHostRules.MasqueradeChain(network);
        var forward = NetworkHostRules.ForwardChain(network);
        Assert.DoesNotContain(masquerade, string.Join('\n', HostCommand.IptablesRules()));
        var a = sandbox.Attach(sandbox.CreateNamespace(out _), "once", "a");
        var b = sandbox.Attach(sandbox.CreateNamespace(out _), "once", "b");

        var rules = HostCommand.IptablesRules();
        // Every rule carries the network's mark, naming the store (Reset-ContainerStore -Orphaned finds them by it).
        var mark = $"-m comment --comment \"containertools network once {network.Bridge} store {sandbox.Root.Path}\"";
        Assert.Single(rules, r => r.StartsWith($"-A POSTROUTING -s {network.Subnet} {mark} ") && r.EndsWith($"-j {masquerade}"));
        Assert.Single(rules, r => r.StartsWith($"-A FORWARD {mark} ") && r.EndsWith($"-j {forward}"));
        Assert.Contains($"-A {masquerade} {mark} -j MASQUERADE", rules);
        Assert.Contains($"-A {forward} -s {network.Subnet} {mark} -j ACCEPT", rules);
        Assert.Contains($"-A {NetworkHostRules.MarkChain(network)} {mark} -j MARK --set-xmark 0x2000/0x2000", rules);
        Assert.All(rules.Where(r => r.StartsWith("-A ") && r.Contains(network.Bridge[3..])), r => Assert.Contains(mark, r));
        Assert.Equal($"containertools network once {network.Bridge} store {sandbox.Root.Path}", File.ReadAllText($"/sys/class/net/{network.Bridge}/ifalias").TrimEnd('\n'));
        Assert.Single(rules, r => r.StartsWith($"-A POSTROUTING -o {network.Bridge} -m mark --mark 0x2000/0x2000 ") && r.EndsWith("-j MASQUERADE"));
        foreach (var endpoint in new[] { a, b })
        {
            // Nothing per container: no ipMasq chain of the bridge plugin, no FORWARD accept of the firewall plugin.
            Assert.True(endpoint.NetworkRules);
            Assert.DoesNotContain(rules, r => r.Contains(BridgeMasqueradeRules.ChainName("once", endpoint.ContainerId)) || r.Contains(endpoint.IpAddress + "/32"));
        }

        // A reboot empties iptables and changes the boot id: the next attach makes the rules again, never twice.
        File.WriteAllText(Path.Combine(sandbox.RootPath, "networks", "once", "host-rules"), "an-earlier-boot\n");
        sandbox.Attach(sandbox.CreateNamespace(out _), "once", "c");
        rules = HostCommand.IptablesRules();
        Assert.Single(rules, r => r.StartsWith($"-A POSTROUTING -s {network.Subnet} ") && r.EndsWith($"-j {masquerade}"));
        Assert.Single(rules, r => r.StartsWith("-A FORWARD ") && r.EndsWith($"-j {forward}"));

        sandbox.Store.Remove("once", force: true);
        Assert.DoesNotContain(network.Bridge[3..], string.Join('\n', HostCommand.IptablesRules()));
        sandbox.AssertHostClean();
    }

    [Fact]
    public void RulesOfAnEarlierVersionMarkedWithoutTheStoreAreReplacedNotDoubled()
    {
        using var sandbox = new NetworkSandbox(host);
        var network = sandbox.CreateNetwork("upgrade");
        var id = network.Bridge[3..];
        // What version 2 made: the jumps commented without the store, the chains' own rules uncommented.
        var old = $"containertools network upgrade {network.Bridge}";
        Assert.Equal(0, HostCommand.RunWithInput(
            $"*nat\n:CT-MASQ-{id} - [0:0]\n-A CT-MASQ-{id} -j MASQUERADE\n-A POSTROUTING -s {network.Subnet} -m comment --comment \"{old}\" -j CT-MASQ-{id}\n" +
            $":CT-MARK-{id} - [0:0]\n-A CT-MARK-{id} -j MARK --set-xmark 0x2000/0x2000\nCOMMIT\n" +
            $"*filter\n:CT-FWD-{id} - [0:0]\n-A CT-FWD-{id} -s {network.Subnet} -j ACCEPT\n-I FORWARD 1 -m comment --comment \"{old}\" -j CT-FWD-{id}\nCOMMIT\n",
            "iptables-restore", "-w", "--noflush").ExitCode);
        Directory.CreateDirectory(Path.Combine(sandbox.RootPath, "networks", "upgrade"));
        File.WriteAllText(Path.Combine(sandbox.RootPath, "networks", "upgrade", "host-rules"), $"2 {File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim()}\n");

        sandbox.Attach(sandbox.CreateNamespace(out _), "upgrade", "a");

        var rules = HostCommand.IptablesRules().Where(r => r.Contains(id)).ToList();
        Assert.DoesNotContain(rules, r => r.Contains($"\"{old}\""));
        Assert.Single(rules, r => r.StartsWith("-A POSTROUTING -s ") && r.EndsWith($"-j CT-MASQ-{id}"));
        Assert.Single(rules, r => r.StartsWith("-A FORWARD ") && r.EndsWith($"-j CT-FWD-{id}"));
        Assert.All(rules.Where(r => r.StartsWith("-A ")), r => Assert.Contains($"--comment \"{old} store {sandbox.Root.Path}\"", r));
        sandbox.Store.Remove("upgrade", force: true);
        Assert.DoesNotContain(id, string.Join('\n', HostCommand.IptablesRules()));
        sandbox.AssertHostClean();
    }

    [Fact]
    public void AnEndpointAttachedBeforeNetworkRulesIsDetachedByThePluginsThatMadeItsRules()
    {
        using var sandbox = new NetworkSandbox(host);
        var network = sandbox.CreateNetwork("older");
        var ns = sandbox.CreateNamespace(out var netnsPath);
        // What an engine before the network's own rules did: bridge with ipMasq, portmap, firewall, per container.
        var id = sandbox.Tag + "older";
        var ports = FreePort.Resolve([PortMapping.Parse("127.0.0.1::80")]);
        var ipam = Path.Combine(sandbox.RootPath, "networks", "older", "ipam");
        var legacy = NetworkConflist.Build(network, ipam, publishesPorts: true, networkRules: false);
        var result = new CniInvoker().Add(legacy, new CniAttachment(id, netnsPath, "eth0", NetworkConflist.RuntimeConfig(ports)));
        var ip = result["ips"]![0]!["address"]!.GetValue<string>().Split('/')[0];
        Directory.CreateDirectory(Path.Combine(sandbox.RootPath, "networks", "older", "endpoints"));
        File.WriteAllBytes(Path.Combine(sandbox.RootPath, "networks", "older", "endpoints", id + ".json"), OciJson.Serialize(new Endpoint
        {
            ContainerId = id, ContainerName = "older", Network = "older", InterfaceName = "eth0", NetnsPath = netnsPath,
            IpAddress = ip, PrefixLength = 24, PortMappings = ports, CniResult = result, NetworkRules = false,
        }));
        var before = string.Join('\n', HostCommand.IptablesRules());
        Assert.Contains(BridgeMasqueradeRules.ChainName("older", id), before);
        Assert.Contains(ip + "/32", before);

        Assert.True(sandbox.Store.Detach(id, "older"));

        var after = string.Join('\n', HostCommand.IptablesRules());
        Assert.DoesNotContain(BridgeMasqueradeRules.ChainName("older", id), after);
        Assert.DoesNotContain(ip + "/32", after);
        Assert.DoesNotContain(id, after);
        Assert.DoesNotContain("eth0", NetworkSandbox.InNamespace(ns, "ip", "-o", "link").Stdout);
        sandbox.Store.Remove("older");
        sandbox.AssertHostClean();
    }
}
