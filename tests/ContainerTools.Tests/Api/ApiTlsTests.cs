using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using ContainerTools.Tests.Registry;

namespace ContainerTools.Tests.Api;

/// <summary>
/// ctapi --tcp: TLS whose clients must present a certificate of --tls-ca for client authentication (dockerd's
/// --tlsverify). The docker CLIs with such a certificate are served; without one, with another CA's, with the server's
/// own (not for clients), or in plain HTTP, no request reaches the API. ctapi refuses to start TCP without TLS.
/// No containers: version and ps only.
/// </summary>
public sealed partial class ApiTlsTests : IDisposable
{
    private const string PlatformFormat = "{{.Server.Platform.Name}}";
    private readonly string _pki = Directory.CreateTempSubdirectory("ct-api-tls-").FullName;
    private readonly int _port = LoopbackHttpServer.FreePort();
    private readonly TestCertificateAuthority _authority;
    private readonly PemPair _serverPair;
    private readonly PemPair _client;
    private readonly PemPair _strangersClient;
    private readonly ApiServer _server;

    public ApiTlsTests()
    {
        try
        {
            _authority = new TestCertificateAuthority(_pki, "ours");
            _serverPair = _authority.IssueServer("server");
            _client = _authority.IssueClient("client");
            _strangersClient = new TestCertificateAuthority(_pki, "theirs").IssueClient("client");
            _server = new ApiServer(new ApiServerOptions { Arguments = ["--tcp", $"127.0.0.1:{_port}", .. TlsOptions(_serverPair, _authority.Authority.Certificate)] });
        }
        catch
        {
            Directory.Delete(_pki, recursive: true);
            throw;
        }
    }

    public void Dispose()
    {
        try { _server.Dispose(); }
        finally { Directory.Delete(_pki, recursive: true); }
    }

    private string Host => $"tcp://127.0.0.1:{_port}";

    private static string[] TlsOptions(PemPair server, string ca) => ["--tls-cert", server.Certificate, "--tls-key", server.Key, "--tls-ca", ca];

    /// <summary>The docker CLI's flags for the TCP port with <paramref name="client"/>'s certificate, verifying the server against our CA.</summary>
    private string[] Over(PemPair? client) => client is null
        ? ["-H", Host, "--tlsverify", "--tlscacert", _authority.Authority.Certificate]
        : ["-H", Host, "--tlsverify", "--tlscacert", _authority.Authority.Certificate, "--tlscert", client.Certificate, "--tlskey", client.Key];

    /// <summary>
    /// A request over the unix socket that carries a unique mark, once its line is in ctapi's --debug log (one line per
    /// request, in order): every request logged before it has been read too.
    /// </summary>
    private string Mark()
    {
        var mark = Guid.NewGuid().ToString("N");
        Assert.Contains("\r\n\r\nOK", _server.Raw($"GET /_ping?mark={mark} HTTP/1.1\r\nHost: d\r\n\r\n"));
        for (var deadline = DateTime.UtcNow.AddSeconds(30); !_server.Log.Contains(mark); Thread.Sleep(20))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"the request marked {mark} is not in the log: {_server.Log}");
        }
        return mark;
    }

    /// <summary>The requests that reached the API between two marks (ctapi --debug logs one line for each).</summary>
    private List<string> RequestsBetween(string first, string last)
    {
        var log = _server.Log;
        var from = log.IndexOf('\n', log.IndexOf(first, StringComparison.Ordinal)) + 1;
        var to = log.LastIndexOf('\n', log.IndexOf(last, StringComparison.Ordinal)) + 1;
        return ApiRequestLine().Matches(log[from..to]).Select(m => m.Value).ToList();
    }

    [GeneratedRegex(@"^ctapi: (GET|HEAD|POST|PUT|DELETE) .*$", RegexOptions.Multiline)]
    private static partial Regex ApiRequestLine();

    [Theory]
    [MemberData(nameof(DockerCliTests.Clis), MemberType = typeof(DockerCliTests))]
    public void DockerCliWithAClientCertificateOfTheCaIsServed(string cli)
    {
        var overUnix = _server.DockerWith(cli, "version", "--format", PlatformFormat);
        Assert.True(overUnix.ExitCode == 0, overUnix.ToString());
        Assert.Equal("ContainerTools\n", overUnix.Output);

        var overTls = _server.DockerWith(cli, [.. Over(_client), "version", "--format", PlatformFormat]);
        Assert.True(overTls.ExitCode == 0, $"{overTls}\nctapi: {_server.Log}");
        Assert.Equal(overUnix.Output, overTls.Output);
        var ps = _server.DockerWith(cli, [.. Over(_client), "ps", "-a", "--format", "{{.Names}}"]);
        Assert.True(ps.ExitCode == 0, $"{ps}\nctapi: {_server.Log}");
        Assert.Equal("", ps.Output);
    }

    [Fact]
    public void ClientsWithoutACertificateOfTheCaAreRefusedInTheHandshake()
    {
        var before = Mark();
        // No certificate; one of another CA; the server's own (our CA's, but for server authentication only).
        foreach (var client in new[] { null, _strangersClient, _serverPair })
        {
            var refused = _server.Docker([.. Over(client), "version", "--format", PlatformFormat]);
            Assert.True(refused.ExitCode != 0, $"{client?.Certificate ?? "no certificate"}: {refused}");
            Assert.DoesNotContain("ContainerTools", refused.Output);
        }
        // The same with a plain TLS client: with TLS 1.3 its side of the handshake may end before the server has looked
        // at its certificate, but its request is never answered.
        Assert.DoesNotContain("HTTP/1.1", TlsExchange(null));
        Assert.DoesNotContain("HTTP/1.1", TlsExchange(_strangersClient));
        Assert.DoesNotContain("HTTP/1.1", TlsExchange(_serverPair));
        var after = Mark();
        Assert.Empty(RequestsBetween(before, after));
        Assert.Contains("TLS handshake with 127.0.0.1", _server.Log);

        // With our CA's client certificate the same exchange is served: the refusals above are the server's.
        var served = TlsExchange(_client);
        Assert.StartsWith("HTTP/1.1 200 OK", served);
        Assert.EndsWith("\r\n\r\nOK", served);
        Assert.Single(RequestsBetween(after, Mark()));
    }

    [Fact]
    public void PlainHttpOnTheTlsPortGetsNoApiAnswer()
    {
        var before = Mark();
        using (var tcp = new TcpClient())
        {
            tcp.Connect(IPAddress.Loopback, _port);
            tcp.ReceiveTimeout = 30_000;
            var stream = tcp.GetStream();
            stream.Write("GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n"u8);
            var received = new MemoryStream();
            var closed = false;
            try
            {
                stream.CopyTo(received);
                closed = true;
            }
            catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
            {
                closed = true;
            }
            catch (IOException)
            {
                // The receive timeout: the server kept the connection open.
            }
            // Not left waiting either: the server gives up at once on a handshake that is not TLS.
            Assert.True(closed, "the connection stayed open");
            Assert.DoesNotContain("HTTP/", Encoding.Latin1.GetString(received.ToArray()));
        }
        var docker = _server.Docker("-H", Host, "version", "--format", PlatformFormat);
        Assert.True(docker.ExitCode != 0, docker.ToString());
        Assert.DoesNotContain("ContainerTools", docker.Output);
        Assert.Empty(RequestsBetween(before, Mark()));
    }

    /// <summary>ctapi without the three TLS files, or with files it cannot use, refuses to start: a clear error, no socket left, no port open.</summary>
    [Theory]
    [InlineData("tcp only", 2, "--tcp needs --tls-cert, --tls-key and --tls-ca")]
    [InlineData("no ca", 2, "--tcp needs --tls-cert, --tls-key and --tls-ca")]
    [InlineData("tls without tcp", 2, "are for --tcp ADDR:PORT")]
    [InlineData("host name", 2, "expected an IP address and a port")]
    [InlineData("no port", 2, "expected an IP address and a port")]
    [InlineData("missing certificate", 1, "no such file")]
    [InlineData("key of another certificate", 1, "cannot use --tls-cert")]
    [InlineData("ca without certificates", 1, "holds no PEM certificate")]
    public void TcpWithoutUsableTlsIsRefused(string @case, int exitCode, string message)
    {
        var port = LoopbackHttpServer.FreePort();
        var address = $"127.0.0.1:{port}";
        var ca = _authority.Authority.Certificate;
        string[] arguments = @case switch
        {
            "tcp only" => ["--tcp", address],
            "no ca" => ["--tcp", address, "--tls-cert", _serverPair.Certificate, "--tls-key", _serverPair.Key],
            "tls without tcp" => TlsOptions(_serverPair, ca),
            "host name" => ["--tcp", $"localhost:{port}", .. TlsOptions(_serverPair, ca)],
            "no port" => ["--tcp", "127.0.0.1", .. TlsOptions(_serverPair, ca)],
            "missing certificate" => ["--tcp", address, .. TlsOptions(_serverPair with { Certificate = Path.Combine(_pki, "nothing.pem") }, ca)],
            "key of another certificate" => ["--tcp", address, .. TlsOptions(_serverPair with { Key = _client.Key }, ca)],
            "ca without certificates" => ["--tcp", address, .. TlsOptions(_serverPair, _authority.Authority.Key)],
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
        var socket = Path.Combine(_pki, "refused.sock");
        var start = new ProcessStartInfo(ApiServer.Binary, ["--socket", socket, "--root", Path.Combine(_pki, "store"), .. arguments])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var ctapi = Process.Start(start)!;
        var error = ctapi.StandardError.ReadToEndAsync();
        var output = ctapi.StandardOutput.ReadToEndAsync();
        if (!ctapi.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            ctapi.Kill();
            ctapi.WaitForExit();
            Assert.Fail($"{@case}: ctapi started serving: {error.Result}");
        }
        Assert.True(ctapi.ExitCode == exitCode, $"{@case}: exit {ctapi.ExitCode}: {error.Result}{output.Result}");
        Assert.StartsWith("ctapi: ", error.Result);
        Assert.Contains(message, error.Result);
        Assert.DoesNotContain("   at ", error.Result);
        Assert.False(File.Exists(socket), "the unix socket was left behind");
        using var probe = new TcpClient();
        Assert.Throws<SocketException>(() => probe.Connect(IPAddress.Loopback, port));
    }

    /// <summary>
    /// A TLS exchange on the port: /_ping with <paramref name="client"/>'s certificate (or none). Returns what came back,
    /// or why nothing did. The server's certificate is not checked here (the docker CLI checks it above): the question is
    /// what the server serves.
    /// </summary>
    private string TlsExchange(PemPair? client)
    {
        using var tcp = new TcpClient();
        tcp.Connect(IPAddress.Loopback, _port);
        tcp.ReceiveTimeout = 30_000;
        using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        try
        {
            var certificates = new X509CertificateCollection();
            if (client is not null) certificates.Add(X509Certificate2.CreateFromPemFile(client.Certificate, client.Key));
            tls.AuthenticateAsClient(new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                ClientCertificates = certificates,
                // Offer the certificate whatever CA names the server sends, as a careless client would.
                LocalCertificateSelectionCallback = (_, _, _, _, _) => certificates.Count > 0 ? certificates[0] : null!,
            });
            tls.Write("GET /_ping HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n"u8);
            using var reader = new StreamReader(tls, Encoding.Latin1);
            return reader.ReadToEnd();
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException)
        {
            return $"refused: {ex.Message}";
        }
    }
}
