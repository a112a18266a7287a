using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Network;

namespace ContainerTools.Tests.Network;

public sealed class PortMappingTests
{
    [Theory]
    [InlineData("8080:80", null, 8080, 80, "tcp")]
    [InlineData("127.0.0.1:8080:80/tcp", "127.0.0.1", 8080, 80, "tcp")]
    [InlineData("53:53/udp", null, 53, 53, "udp")]
    [InlineData("53:53/UDP", null, 53, 53, "udp")]
    [InlineData("80", null, 0, 80, "tcp")]
    [InlineData("127.0.0.1::80", "127.0.0.1", 0, 80, "tcp")]
    [InlineData("0.0.0.0:443:8443", null, 443, 8443, "tcp")]
    [InlineData(" 65535:1 ", null, 65535, 1, "tcp")]
    public void ParsesDockerForms(string spec, string? hostIp, int hostPort, int containerPort, string protocol)
    {
        Assert.Equal(new PortMapping { HostIp = hostIp, HostPort = hostPort, ContainerPort = containerPort, Protocol = protocol }, PortMapping.Parse(spec));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("65536:80")]
    [InlineData("80:0")]
    [InlineData("-1:80")]
    [InlineData("80/sctp")]
    [InlineData("80/")]
    [InlineData("a:80")]
    [InlineData("localhost:80:80")]
    [InlineData("::1:80:80")]
    [InlineData("1.2.3:80:80")]
    [InlineData("1.2.3.4:5:6:7")]
    [InlineData("8080-8081:80-81")]
    [InlineData("+80")]
    public void RejectsInvalidSpecs(string spec)
    {
        var error = Assert.Throws<ContainerToolsException>(() => PortMapping.Parse(spec));
        Assert.Equal((ErrorKind.InvalidArgument, "InvalidPortMapping"), (error.Kind, error.ErrorId));
    }

    [Theory]
    [InlineData("8000-8002:80-82", "8000:80/tcp,8001:81/tcp,8002:82/tcp")]
    [InlineData("127.0.0.1:5000-5001:53-54/udp", "127.0.0.1:5000:53/udp,127.0.0.1:5001:54/udp")]
    [InlineData("80-81", "80/tcp,81/tcp")]
    [InlineData("127.0.0.1::80-81", "127.0.0.1::80/tcp,127.0.0.1::81/tcp")]
    [InlineData("8080:80", "8080:80/tcp")]
    public void ExpandsRanges(string spec, string expected)
    {
        Assert.Equal(expected, string.Join(',', PortMapping.ParseAll(spec)));
    }

    [Theory]
    [InlineData("8000-8002:80-81")]
    [InlineData("82-80")]
    [InlineData("1-70000")]
    [InlineData("80-:80")]
    public void RejectsInvalidRanges(string spec)
    {
        Assert.Equal("InvalidPortMapping", Assert.Throws<ContainerToolsException>(() => PortMapping.ParseAll(spec)).ErrorId);
    }

    [Fact]
    public void OpenHostPortsAreFilledWithFreeOnesAndGivenOnesKept()
    {
        var resolved = FreePort.Resolve([PortMapping.Parse("127.0.0.1::80"), PortMapping.Parse("53/udp"), PortMapping.Parse("8080:80")]);
        Assert.InRange(resolved[0].HostPort, 1, 65535);
        Assert.InRange(resolved[1].HostPort, 1, 65535);
        Assert.Equal(8080, resolved[2].HostPort);
        // A port the kernel hands out is one nobody listens on: binding it again must work.
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, resolved[0].HostPort);
        probe.Start();
    }

    [Fact]
    public void RoundTripsThroughItsText()
    {
        foreach (var spec in new[] { "127.0.0.1:8080:80/tcp", "53:53/udp", "80/tcp", "127.0.0.1::80/tcp" })
        {
            Assert.Equal(spec, PortMapping.Parse(spec).ToString());
        }
    }
}
