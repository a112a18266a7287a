using System.Net.Sockets;
using System.Text;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Network;
using ContainerTools.Tests.Lifecycle;
using ContainerTools.Tests.Network;

namespace ContainerTools.Tests.Services;

/// <summary>
/// Restore-Container after a simulated reboot of a container on a bridge network with a published port: what a reboot
/// loses (processes, mounts, the netns, its veth, the bridge, the iptables rules) is gone, and the service must answer
/// on its port again. Traffic goes only to 127.0.0.1.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class RestoreOnBridgeTests(NetworkHostState hostState)
{
    private const string Server = "mkdir -p /www && echo hello-again > /www/index.html && exec httpd -f -p 8080 -h /www";

    [Fact]
    public void AServiceOnABridgeComesBackReachableOnItsPublishedPort()
    {
        var containers = new ContainerHost();
        var store = containers.Store;
        string bridge = "";
        try
        {
            bridge = store.Networks.Create("svc", NetworkSandbox.RandomSubnet()).Bridge;
            var web = containers.Run(new ContainerCreateOptions
            {
                Image = "busybox", Name = "web", Network = "svc", RestartPolicy = "always",
                Publish = ["127.0.0.1::8080"], Command = ["sh", "-c", Server],
            });
            var port = Assert.Single(web.State.Ports).HostPort;
            // Start returns once the program runs, not once httpd listens.
            Assert.Contains("hello-again", HttpGet(port, retryFor: TimeSpan.FromSeconds(10)));

            // The reboot: every process killed, the store's mounts (root, netns) gone, the bridge and the rules gone.
            ProcessSignals.TrySend(web.State.MonitorPid, ProcessSignals.SIGKILL);
            Cgroup.Open(web.State.Cgroup!).KillAll();
            foreach (var mount in OverlayMount.MountsUnder(containers.RootPath).Reverse()) Mounts.Unmount(mount, detach: true);
            Assert.False(OverlayMount.IsMountPoint(web.Paths.NetnsFile));
            NetworkRuleSweep.Remove(new HashSet<string> { bridge }, portChains: true);
            HostCommand.Check("ip", "link", "del", bridge);
            // ... and a new boot id: the network's rules were made in the boot before.
            var marker = Path.Combine(containers.RootPath, "networks", "svc", "host-rules");
            File.WriteAllText(marker, File.ReadAllText(marker).Split(' ')[0] + " " + Guid.NewGuid() + "\n");
            Assert.DoesNotContain(bridge, string.Join('\n', HostCommand.IptablesRules()));

            var restored = Assert.Single(store.Restore());
            Assert.Null(restored.Error);
            var back = store.Resolve("web");
            Assert.Equal(ContainerStatus.Running, back.Status);
            Assert.Contains(bridge, HostCommand.Check("ip", "-o", "link", "show"));
            var newPort = Assert.Single(back.State.Ports).HostPort;
            Assert.Contains("hello-again", HttpGet(newPort, retryFor: TimeSpan.FromSeconds(30)));

            store.Remove(back.Id, force: true);
            store.Networks.Remove("svc");
            Assert.DoesNotContain(bridge, HostCommand.Check("ip", "-o", "link", "show"));
            hostState.AssertIptablesAsBefore();
        }
        finally
        {
            ContainerNetworkingTests.Cleanup(containers, bridge);
        }
    }

    /// <summary>The page, retrying while the server (just restarted) is not listening yet.</summary>
    private static string HttpGet(int port, TimeSpan? retryFor = null)
    {
        var deadline = DateTime.UtcNow + (retryFor ?? TimeSpan.Zero);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(System.Net.IPAddress.Loopback, port);
                using var stream = client.GetStream();
                stream.ReadTimeout = 10_000;
                stream.Write(Encoding.ASCII.GetBytes("GET /index.html HTTP/1.0\r\nHost: localhost\r\n\r\n"));
                using var reader = new StreamReader(stream, Encoding.ASCII);
                return reader.ReadToEnd();
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
        }
    }
}
