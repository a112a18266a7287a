using System.Net;
using System.Net.Sockets;
using System.Text;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Network.Cni;
using ContainerTools.Tests.Fixtures;
using ContainerTools.Tests.Lifecycle;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Tests.Network;

/// <summary>
/// Containers on networks, end to end through the lifecycle. Traffic goes only to 127.0.0.1 and between containers on
/// bridges these tests create.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class ContainerNetworkingTests(NetworkHostState host)
{
    private const string Server = "mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 8080 -h /www";

    [Fact]
    public void ContainersOnAUserNetworkReachEachOtherByNameAndAPublishedPortAnswersOnLoopback()
    {
        var containers = new ContainerHost();
        var networks = containers.Store.Networks;
        string bridge = "", ip = "";
        try
        {
            var network = networks.Create("app", NetworkSandbox.RandomSubnet());
            bridge = network.Bridge;
            var web = containers.Run(new ContainerCreateOptions
            {
                Image = "busybox", Name = "web", Network = "app", NetworkAliases = ["www"],
                Publish = ["127.0.0.1::8080"], Command = ["sh", "-c", Server],
            });
            var port = Assert.Single(web.State.Ports);
            Assert.NotEqual(0, port.HostPort);
            Assert.Equal(8080, port.ContainerPort);
            ip = networks.EndpointsOf(web.Id).Single().IpAddress;
            Assert.True(File.Exists(web.Paths.NetnsFile));

            var client = containers.Run(new ContainerCreateOptions
            {
                Image = "busybox", Network = "app",
                Command = ["sh", "-c", "for i in $(seq 100); do wget -q -O - http://web:8080/index.html && wget -q -O - http://www:8080/index.html && exit 0; sleep 0.1; done; exit 1"],
            });
            Assert.Equal(0, containers.Store.Wait(client.Id, TimeSpan.FromSeconds(30)));
            Assert.Equal("hello-from-web\nhello-from-web\n", containers.Output(client));
            // Exited: the monitor's ctcleanup takes its network away, with no engine call.
            Assert.True(NetworkReleased(networks, client.Id));
            Assert.True(SpinWait.SpinUntil(() => !File.Exists(containers.Store.PathsOf(client.Id).NetnsFile), TimeSpan.FromSeconds(30)));

            Assert.Contains("hello-from-web", HttpGet(port.HostPort));

            containers.Store.Remove(web.Id, force: true);
            Assert.Empty(networks.Endpoints("app"));
            using (var refused = new TcpClient())
            {
                Assert.ThrowsAny<SocketException>(() => refused.Connect(IPAddress.Loopback, port.HostPort));
            }
            networks.Remove("app");
            Assert.DoesNotContain(bridge, HostCommand.Check("ip", "-o", "link", "show"));
            var rules = string.Join('\n', HostCommand.IptablesRules());
            Assert.DoesNotContain(ip + "/", rules);
            Assert.False(Directory.Exists(Path.Combine(containers.RootPath, "networks", "app")));
            host.AssertIptablesAsBefore();
        }
        finally
        {
            Cleanup(containers, bridge);
        }
    }

    [Fact]
    public void AnAutoRemovedContainerHasLoopbackUpAndLeavesNoVethRuleOrLeaseBehind()
    {
        var containers = new ContainerHost();
        var networks = containers.Store.Networks;
        string bridge = "";
        try
        {
            bridge = networks.Create("tidy", NetworkSandbox.RandomSubnet()).Bridge;
            // lo is brought up by the engine (rtnetlink), not a plugin: a server on 127.0.0.1 must answer inside.
            var created = containers.Store.Create(new ContainerCreateOptions
            {
                Image = "busybox", Network = "tidy", AutoRemove = true, Publish = ["127.0.0.1::8080"],
                Command = ["sh", "-c", "ip -o link show lo; mkdir /www && echo on-lo > /www/i && httpd -p 127.0.0.1:81 -h /www && " +
                    "for i in $(seq 100); do wget -q -O - http://127.0.0.1:81/i && break; sleep 0.1; done; exec sleep 60"],
            });
            containers.Store.Start(created.Id);
            var endpoint = Assert.Single(networks.EndpointsOf(created.Id));
            var lease = Path.Combine(containers.RootPath, "networks", "tidy", "ipam", "tidy", endpoint.IpAddress);
            Assert.True(File.Exists(lease));
            Assert.NotEmpty(HostCommand.Check("ip", "-o", "link", "show", "master", bridge).Trim());
            Assert.Contains(endpoint.IpAddress + ":8080", string.Join('\n', HostCommand.IptablesRules()));
            for (var i = 0; i < 300 && !containers.Output(created).Contains("on-lo"); i++) Thread.Sleep(50);
            var output = containers.Output(created);
            Assert.Matches("<[A-Z_,]*LOOPBACK,UP[A-Z_,]*>", output);
            Assert.Contains("on-lo", output);

            containers.Store.Stop(created.Id, TimeSpan.Zero);
            // Stop settled the exit; the monitor's ctcleanup removes the container.
            Assert.True(SpinWait.SpinUntil(() => containers.Store.TryGet(created.Id) is null, TimeSpan.FromSeconds(30)));
            Assert.Empty(networks.Endpoints("tidy"));
            Assert.False(File.Exists(lease));
            Assert.Empty(HostCommand.Check("ip", "-o", "link", "show", "master", bridge).Trim());
            var rules = string.Join('\n', HostCommand.IptablesRules());
            Assert.DoesNotContain(endpoint.IpAddress + "/", rules);
            Assert.DoesNotContain(endpoint.IpAddress + ":", rules);
            Assert.DoesNotContain(created.Id, rules);
            networks.Remove("tidy");
            host.AssertIptablesAsBefore();
        }
        finally
        {
            Cleanup(containers, bridge);
        }
    }

    [Fact]
    public void PortsThatCannotBePublishedFailTheStartAndLeaveNothingRunningOrAttached()
    {
        var containers = new ContainerHost();
        string bridge = "";
        try
        {
            // Real bridge and host-local; a portmap that refuses. portmap runs while the monitor starts the program.
            var plugins = Path.Combine(containers.RootPath, "plugins");
            Directory.CreateDirectory(plugins);
            var real = CniPluginRunner.DefaultPluginDirectories.First(d => File.Exists(Path.Combine(d, "bridge")));
            foreach (var plugin in new[] { "bridge", "host-local" }) File.CreateSymbolicLink(Path.Combine(plugins, plugin), Path.Combine(real, plugin));
            File.WriteAllText(Path.Combine(plugins, "portmap"),
                "#!/bin/sh\ncat >/dev/null\ncase \"$CNI_COMMAND\" in ADD) echo '{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"no ports today\"}'; exit 1;; esac\nexit 0\n");
            File.SetUnixFileMode(Path.Combine(plugins, "portmap"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var store = new ContainerStore(containers.Root, containers.Images, new ContainerStoreOptions
            {
                MonitorPath = HelperBinaries.Monitor, InitPath = HelperBinaries.Init, CleanupPath = HelperBinaries.Cleanup, CniPluginDirectories = [plugins],
            });
            bridge = store.Networks.Create("refused", NetworkSandbox.RandomSubnet()).Bridge;
            var created = store.Create(new ContainerCreateOptions { Image = "busybox", Network = "refused", Publish = ["127.0.0.1::80"], Command = ["sleep", "60"] });

            var error = Assert.Throws<CniPluginException>(() => store.Start(created.Id));

            Assert.Contains("no ports today", error.Message);
            Assert.NotEqual(ContainerStatus.Running, store.Resolve(created.Id).Status);
            Assert.Empty(store.Networks.Endpoints("refused"));
            Assert.False(File.Exists(created.Paths.NetnsFile));
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(containers.RootPath, "networks", "refused", "ipam", "refused"), "10.*"));
            Assert.Empty(HostCommand.Check("ip", "-o", "link", "show", "master", bridge).Trim());
            Assert.DoesNotContain(created.Id, string.Join('\n', HostCommand.IptablesRules()));
            store.Remove(created.Id);
            store.Networks.Remove("refused");
            host.AssertIptablesAsBefore();
        }
        finally
        {
            Cleanup(containers, bridge);
        }
    }

    [Fact]
    public void RestartGivesTheContainerItsNetworkAgain()
    {
        var containers = new ContainerHost();
        var networks = containers.Store.Networks;
        string bridge = "";
        try
        {
            bridge = networks.Create("again", NetworkSandbox.RandomSubnet()).Bridge;
            var options = new ContainerCreateOptions { Image = "busybox", Network = "again", Command = ["sh", "-c", "ip -o -4 addr show eth0 && grep -c again-peer /etc/hosts; true"] };
            var created = containers.Store.Create(options with { Name = "again-peer" });
            for (var run = 0; run < 2; run++)
            {
                containers.Store.Start(created.Id);
                Assert.Equal(0, containers.Store.Wait(created.Id, TimeSpan.FromSeconds(30)));
                Assert.True(NetworkReleased(networks, created.Id));
            }
            var output = containers.Output(created);
            Assert.Equal(2, output.Split('\n').Count(l => l.Contains("eth0") && l.Contains("inet ")));
            containers.Store.Remove(created.Id);
            networks.Remove("again");
            host.AssertIptablesAsBefore();
        }
        finally
        {
            Cleanup(containers, bridge);
        }
    }

    [Fact]
    public void ARunningContainerConnectedLiveReachesItsNewPeersAndDisconnectTakesItOff()
    {
        var containers = new ContainerHost();
        var networks = containers.Store.Networks;
        string bridge = "";
        try
        {
            bridge = networks.Create("live", NetworkSandbox.RandomSubnet()).Bridge;
            var web = containers.Run(new ContainerCreateOptions { Image = "busybox", Name = "web", Network = "live", Command = ["sh", "-c", Server] });
            var client = containers.Run(new ContainerCreateOptions
            {
                Image = "busybox", Network = "none",
                Command = ["sh", "-c", "for i in $(seq 300); do wget -q -O - http://web:8080/index.html 2>/dev/null && exit 0; sleep 0.1; done; exit 1"],
            });
            containers.Store.Connect(client.Id, "live");
            Assert.Equal(0, containers.Store.Wait(client.Id, TimeSpan.FromSeconds(40)));
            Assert.Equal("hello-from-web\n", containers.Output(client));
            Assert.True(NetworkReleased(networks, client.Id));

            containers.Store.Disconnect(web.Id, "live");
            Assert.Empty(networks.Endpoints("live"));
            Assert.Equal(NetworkModes.None, containers.Store.Resolve(web.Id).Definition.Network);
            containers.Store.Remove(web.Id, force: true);
            containers.Store.Remove(client.Id);
            networks.Remove("live");
            host.AssertIptablesAsBefore();
        }
        finally
        {
            Cleanup(containers, bridge);
        }
    }

    /// <summary>After a failed assertion too: containers, then networks (their bridges and iptables rules), then the store.</summary>
    internal static void Cleanup(ContainerHost containers, string bridge)
    {
        try
        {
            foreach (var container in containers.Store.List()) containers.Store.Remove(container.Id, force: true);
            foreach (var network in containers.Store.Networks.List()) containers.Store.Networks.Remove(network.Name, force: true);
        }
        catch (Exception)
        {
            // Dispose reports what is left.
        }
        containers.Dispose();
        if (bridge.Length > 0) HostCommand.Run("ip", "link", "del", bridge);
    }

    [Fact]
    public void AnExitedDetachedContainerOnTheDefaultBridgeLeavesNoMountNetnsOrVethWithoutAnEngineCall()
    {
        var containers = new ContainerHost();
        var networks = containers.Store.Networks;
        string bridge = "";
        try
        {
            var started = containers.Run(new ContainerCreateOptions
            {
                Image = "busybox", Network = "bridge", Command = ["sh", "-c", "sleep 0.2; exit 9"],
            });
            bridge = networks.Get("bridge").Bridge;
            var endpoint = Assert.Single(networks.EndpointsOf(started.Id));
            Assert.True(File.Exists(started.Paths.NetnsFile));
            Assert.NotEmpty(HostCommand.Check("ip", "-o", "link", "show", "master", bridge).Trim());

            // No engine call from here: the monitor's exit command (ctcleanup) releases the network and records the exit.
            Assert.True(SpinWait.SpinUntil(() => RecordedStatus(started) == ContainerStatus.Exited, TimeSpan.FromSeconds(30)), "the exit was not recorded");
            Assert.False(File.Exists(started.Paths.NetnsFile));
            Assert.Empty(ContainerTools.OciRuntime.Linux.OverlayMount.MountsUnder(started.Paths.Directory));
            Assert.Empty(HostCommand.Check("ip", "-o", "link", "show", "master", bridge).Trim());
            Assert.Empty(networks.EndpointsOf(started.Id));
            Assert.DoesNotContain(endpoint.IpAddress + "/", string.Join('\n', HostCommand.IptablesRules()));

            var seen = containers.Store.Resolve(started.Id);
            Assert.Equal(ContainerStatus.Exited, seen.Status);
            Assert.Equal(9, seen.State.ExitCode);
            Assert.Empty(seen.State.Ports);
            Assert.Single(containers.Store.Events.Read(null, null), e => e.Id == started.Id && e.Action == "die");
        }
        finally
        {
            Cleanup(containers, bridge);
        }
    }

    /// <summary>Waits for the exited container's ctcleanup to detach it.</summary>
    private static bool NetworkReleased(ContainerTools.Runtime.Network.NetworkStore networks, string id) =>
        SpinWait.SpinUntil(() => networks.EndpointsOf(id).Count == 0, TimeSpan.FromSeconds(30));

    private static ContainerStatus? RecordedStatus(Container container) =>
        ContainerStateJson.ReadFile(container.Paths.StateFile, ContainerStateJson.Default.ContainerRuntimeState)?.Status;

    [Fact]
    public void AContainerOnANetworkCannotBeCreatedWithAnUnknownNetworkOrPortsWithoutOne()
    {
        using var containers = new ContainerHost();
        var missing = Assert.Throws<ContainerToolsException>(() => containers.Store.Create(new ContainerCreateOptions { Image = "busybox", Network = "nosuch", Command = ["true"] }));
        Assert.Equal("NetworkNotFound", missing.ErrorId);
        var ports = Assert.Throws<ContainerToolsException>(() => containers.Store.Create(new ContainerCreateOptions { Image = "busybox", Network = "none", Publish = ["80"], Command = ["true"] }));
        Assert.Equal("PortsNeedNetwork", ports.ErrorId);
        var bad = Assert.Throws<ContainerToolsException>(() => containers.Store.Create(new ContainerCreateOptions { Image = "busybox", Network = "none", Publish = ["80:x"], Command = ["true"] }));
        Assert.Equal("InvalidPortMapping", bad.ErrorId);
        Assert.Empty(containers.Store.List());
    }

    private static string HttpGet(int port)
    {
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, port);
        using var stream = client.GetStream();
        stream.ReadTimeout = 10_000;
        stream.Write(Encoding.ASCII.GetBytes("GET /index.html HTTP/1.0\r\nHost: localhost\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return reader.ReadToEnd();
    }
}
