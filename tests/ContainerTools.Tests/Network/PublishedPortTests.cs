using System.Net;
using System.Net.Sockets;
using System.Text;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Network;

namespace ContainerTools.Tests.Network;

/// <summary>Traffic only ever goes to 127.0.0.1 or to addresses on bridges these tests created.</summary>
[Collection(NetworkCollection.Name)]
public sealed class PublishedPortTests(NetworkHostState host)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void TcpAndUdpPortsPublishedOnLoopbackReachTheNamespace()
    {
        using var sandbox = new NetworkSandbox(host);
        var network = sandbox.CreateNetwork("pub");
        var ns = sandbox.CreateNamespace(out var netnsPath);
        using var tcpServer = NamespaceSockets.Listen(netnsPath, ProtocolType.Tcp, 8080);
        using var udpServer = NamespaceSockets.Listen(netnsPath, ProtocolType.Udp, 5353);

        var endpoint = sandbox.Attach(ns, "pub", "svc",
            ports: [PortMapping.Parse("127.0.0.1::8080/tcp"), PortMapping.Parse("127.0.0.1::5353/udp")]);
        var tcp = endpoint.PortMappings.Single(p => p.Protocol == "tcp");
        var udp = endpoint.PortMappings.Single(p => p.Protocol == "udp");
        Assert.NotEqual(0, tcp.HostPort);
        Assert.NotEqual(0, udp.HostPort);

        AssertTcpReaches(tcpServer, IPAddress.Loopback, tcp.HostPort, network.Gateway);
        AssertUdpReaches(udpServer, IPAddress.Loopback, udp.HostPort);

        sandbox.Store.Detach(endpoint.ContainerId, "pub");
        using var refused = new TcpClient();
        Assert.ThrowsAny<SocketException>(() => refused.Connect(IPAddress.Loopback, tcp.HostPort));
        sandbox.Store.Remove("pub");
        sandbox.AssertHostClean();
    }

    [Fact]
    public void PortPublishedOnAllAddressesAnswersOnTheBridgeGatewayAndLoopback()
    {
        using var sandbox = new NetworkSandbox(host);
        var network = sandbox.CreateNetwork("puball");
        var ns = sandbox.CreateNamespace(out var netnsPath);
        using var server = NamespaceSockets.Listen(netnsPath, ProtocolType.Tcp, 80);
        var hostPort = FreePort.Choose("tcp", null);

        var endpoint = sandbox.Attach(ns, "puball", "web", ports: [PortMapping.Parse($"{hostPort}:80")]);

        Assert.Equal(new PortMapping { HostPort = hostPort, ContainerPort = 80, Protocol = "tcp" }, endpoint.PortMappings.Single());
        // The gateway is the host's own address on the bridge this test created.
        AssertTcpReaches(server, IPAddress.Parse(network.Gateway), hostPort, null);
        AssertTcpReaches(server, IPAddress.Loopback, hostPort, null);
        sandbox.Store.Remove("puball", force: true);
        sandbox.AssertHostClean();
    }

    [Fact]
    public void HostPortsTakenByAContainerOrAHostProgramAreRefused()
    {
        using var sandbox = new NetworkSandbox(host);
        sandbox.CreateNetwork("clash");
        var first = sandbox.Attach(sandbox.CreateNamespace(out _), "clash", "first", ports: [PortMapping.Parse("127.0.0.1::80/udp")]);
        var taken = first.PortMappings.Single().HostPort;
        var second = sandbox.CreateNamespace(out _);

        var byContainer = Assert.Throws<ContainerToolsException>(() => sandbox.Attach(second, "clash", "second", ports: [PortMapping.Parse($"{taken}:80/udp")]));
        Assert.Equal((ErrorKind.InUse, "PortAlreadyAllocated"), (byContainer.Kind, byContainer.ErrorId));
        Assert.Contains("first", byContainer.Message);
        // Same number, other protocol: no clash.
        sandbox.Attach(second, "clash", "second", ports: [PortMapping.Parse($"127.0.0.1:{taken}:80/tcp")]);

        using var hostProgram = new TcpListener(IPAddress.Loopback, 0);
        hostProgram.Start();
        var busy = ((IPEndPoint)hostProgram.LocalEndpoint).Port;
        var byHost = Assert.Throws<ContainerToolsException>(() => sandbox.Attach(sandbox.CreateNamespace(out _), "clash", "third", ports: [PortMapping.Parse($"127.0.0.1:{busy}:80")]));
        Assert.Contains("a program on the host", byHost.Message);
        Assert.Equal("PortAlreadyAllocated", Assert.Throws<ContainerToolsException>(() => sandbox.Attach(sandbox.CreateNamespace(out _), "clash", "fourth",
            ports: [PortMapping.Parse("127.0.0.1:9999:80"), PortMapping.Parse("9999:81")])).ErrorId);
        Assert.Equal(2, sandbox.Store.Endpoints("clash").Count);

        sandbox.Store.Remove("clash", force: true);
        sandbox.AssertHostClean();
    }

    private static void AssertTcpReaches(Socket server, IPAddress address, int port, string? expectedSource)
    {
        using var client = new TcpClient();
        Assert.True(client.ConnectAsync(address, port).Wait(Patience), $"connect {address}:{port} timed out");
        var accept = server.AcceptAsync();
        Assert.True(accept.Wait(Patience), "the namespace's listener saw no connection");
        using var accepted = accept.Result;
        accepted.Send("pong"u8);
        var buffer = new byte[4];
        var stream = client.GetStream();
        stream.ReadTimeout = (int)Patience.TotalMilliseconds;
        stream.ReadExactly(buffer);
        Assert.Equal("pong", Encoding.ASCII.GetString(buffer));
        if (expectedSource is not null)
        {
            // Hairpin from loopback is masqueraded: the container sees the bridge's side, not 127.0.0.1.
            Assert.Equal(IPAddress.Parse(expectedSource), ((IPEndPoint)accepted.RemoteEndPoint!).Address);
        }
    }

    private static void AssertUdpReaches(Socket server, IPAddress address, int port)
    {
        using var client = new UdpClient();
        client.Send("ping"u8.ToArray(), 4, new IPEndPoint(address, port));
        var buffer = new byte[16];
        server.ReceiveTimeout = (int)Patience.TotalMilliseconds;
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        var received = server.ReceiveFrom(buffer, ref from);
        Assert.Equal("ping", Encoding.ASCII.GetString(buffer, 0, received));
        server.SendTo("pong"u8.ToArray(), from);
        client.Client.ReceiveTimeout = (int)Patience.TotalMilliseconds;
        IPEndPoint? sender = null;
        Assert.Equal("pong", Encoding.ASCII.GetString(client.Receive(ref sender)));
    }
}
