using ContainerTools.Runtime.Network;

namespace ContainerTools.Tests.Network;

public sealed class NameResolutionFileTests
{
    [Fact]
    public void HostsFileListsLocalhostSelfAndPeersOnce()
    {
        var self = Endpoint("c1", "web", "10.89.0.2", hostname: "webhost");
        var peer = Endpoint("c2", "db", "10.89.0.3", aliases: ["database", "db"]);
        var text = HostsFile.Compose(HostsFile.EntriesFor([self], [self, peer]));
        Assert.Equal("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n10.89.0.2\twebhost web\n10.89.0.3\tdb database\n", text);
    }

    [Fact]
    public void HostsFileIsRewrittenInPlaceSoABindMountSeesIt()
    {
        var dir = Directory.CreateTempSubdirectory("ct-hosts-");
        try
        {
            var path = Path.Combine(dir.FullName, "hosts");
            HostsFile.Write(path, "a much longer first version\n");
            var inode = new FileInfo(path);
            using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            HostsFile.Write(path, "short\n");
            // The descriptor opened before the rewrite stands in for a bind mount: it pins the original inode.
            Assert.Equal("short\n", new StreamReader(reader).ReadToEnd());
            Assert.Equal(6, new FileInfo(path).Length);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void ResolvConfDropsLoopbackServersAndKeepsSearchAndOptions()
    {
        var host = "# comment\nnameserver 127.0.0.53\nnameserver 10.255.255.53\nnameserver ::1\nnameserver fd00::53\nsearch example.test corp.test\noptions edns0 trust-ad\n";
        Assert.Equal("nameserver 10.255.255.53\nnameserver fd00::53\nsearch example.test corp.test\noptions edns0 trust-ad\n", ResolvConf.Compose(host));
    }

    [Fact]
    public void ResolvConfFallsBackToResolvedUpstreamsThenToNone()
    {
        var stub = "nameserver 127.0.0.53\nsearch lan\n";
        Assert.Equal("nameserver 192.168.1.1\nsearch lan\n", ResolvConf.Compose(stub, "nameserver 192.168.1.1\nsearch lan\n"));
        Assert.Equal("search lan\n", ResolvConf.Compose(stub));
    }

    private static Endpoint Endpoint(string id, string name, string ip, string? hostname = null, IReadOnlyList<string>? aliases = null) => new()
    {
        ContainerId = id,
        ContainerName = name,
        Hostname = hostname,
        Aliases = aliases ?? [],
        Network = "n",
        InterfaceName = "eth0",
        NetnsPath = "/x",
        IpAddress = ip,
    };
}
