using System.Text;

namespace ContainerTools.Tests.Api;

/// <summary>Bad requests get Docker's {"message"} with a 4xx, never a crash, a hang or a change to the store.</summary>
// Its containers and networks make bridges and iptables rules: it runs in the network tests' collection, whose
// iptables checks would otherwise see them come and go.
[Collection(ContainerTools.Tests.Network.NetworkCollection.Name)]
public sealed class MalformedRequestTests : IDisposable
{
    private readonly ApiServer _server = new();

    public void Dispose() => _server.Dispose();

    private static string Post(string path, string body, string contentType = "application/json") =>
        $"POST {path} HTTP/1.1\r\nHost: d\r\nContent-Type: {contentType}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";

    private static string Get(string path) => $"GET {path} HTTP/1.1\r\nHost: d\r\n\r\n";

    public static TheoryData<string, int> Requests() => new()
    {
        { Post("/v1.41/containers/create", "{not json"), 400 },
        { Post("/v1.41/containers/create", "[]"), 400 },
        { Post("/v1.41/containers/create", "{\"Image\": 42}"), 400 },
        { Post("/v1.41/containers/create", "{\"Image\":\"busybox\",\"Cmd\":{\"a\":1}}"), 400 },
        { Post("/v1.41/containers/create", "{\"Image\":\"busybox\",\"HostConfig\":{\"Memory\":\"lots\"}}"), 400 },
        { Post("/v1.41/containers/create", "{\"Image\":\"busybox\",\"HostConfig\":{\"Binds\":[\"relative:dir:zz\"]}}"), 400 },
        { Post("/v1.41/containers/create", "{\"Image\":\"busybox\",\"HostConfig\":{\"PidMode\":\"host\"}}"), 400 },
        { Post("/v1.41/containers/create?name=bad/name", "{\"Image\":\"busybox\"}"), 400 },
        { Post("/v1.41/containers/create", "{\"Image\":\"no-such-image\"}"), 404 },
        { Post("/v1.41/containers/create", "{\"Image\":\"not a reference\"}"), 400 },
        { Post("/v1.41/containers/create", ""), 400 },
        { Post("/v1.41/containers/create", "{\"Image\":\"busybox\",\"Unknown\":{\"deep\":[1,2,3]}," + new string(' ', 10) + "\"Cmd\":[\"true\"]}"), 201 },
        { Get("/v1.41/containers/nope/json"), 404 },
        { Get("/v1.41/no/such/endpoint"), 404 },
        { Get("/v9.99/containers/json"), 400 },
        { Get("/v1.41/containers/json?all=maybe"), 400 },
        { Get("/v1.41/containers/json?filters=%7Bbad"), 400 },
        { Get("/v1.41/containers/json?filters=%7B%22nokey%22%3A%5B%22x%22%5D%7D"), 400 },
        { Get("/v1.41/images/..%2F..%2Fetc%2Fpasswd/json"), 400 },
        { Get("/v1.41/containers/x/archive?path=/etc"), 404 },
        { Post("/v1.41/containers/x/wait?condition=never", ""), 404 },
        { "DELETE /v1.41/containers/json HTTP/1.1\r\nHost: d\r\n\r\n", 404 },
        { "PATCH /v1.41/_ping HTTP/1.1\r\nHost: d\r\n\r\n", 405 },
        { Post("/v1.41/networks/create", "{\"Name\":\"\"}"), 400 },
        { Post("/v1.41/networks/create", "{\"Name\":\"x\",\"Driver\":\"overlay\"}"), 400 },
        { Post("/v1.41/volumes/create", "{\"Name\":\"../../etc\"}"), 400 },
        { Post("/v1.41/exec/nope/start", "{}"), 404 },
        { "GARBAGE\r\n\r\n", 400 },
        { "GET /_ping HTTP/1.1\r\nNoColonHeader\r\n\r\n", 400 },
        { "GET /_ping HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: gzip\r\n\r\n", 501 },
        { "POST /v1.41/containers/create HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400 },
        { "GET /_ping HTTP/1.1\r\nHost: d\r\nX-Big: " + new string('a', 70 * 1024) + "\r\n\r\n", 431 },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void IsAnsweredWithAStatusAndAMessage(string request, int status)
    {
        var response = _server.Raw(request);
        Assert.True(response.StartsWith($"HTTP/1.1 {status} ", StringComparison.Ordinal), response + "\nctapi: " + _server.Log);
        if (status >= 400) Assert.Contains("\"message\":", response);
        Assert.True(_server.Answers(), "the service stopped answering: " + _server.Log);
    }

    [Fact]
    public void OversizedBodyIsRefusedWithoutReadingItAll()
    {
        var head = "POST /v1.41/containers/create HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{\"Image\":\"";
        var bytes = Encoding.ASCII.GetBytes(head).Concat(Enumerable.Repeat((byte)'a', 5 * 1024 * 1024)).ToArray();
        Assert.StartsWith("HTTP/1.1 413 ", _server.Raw(bytes));
        Assert.True(_server.Answers());
        Assert.Empty(_server.Engine.List());
    }

    [Fact]
    public void HundredsOfBadRequestsLeaveTheServiceHealthyAndTheStoreUntouched()
    {
        var random = new Random(15);
        var requests = Requests().Select(r => (string)r[0]).Where(r => !r.Contains("\"Unknown\"")).ToList();
        var errors = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 300, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var request = requests[i % requests.Count];
            // Every third one cut short at a random point: the server must not wait for the rest forever.
            if (i % 3 == 0) request = request[..random.Next(1, request.Length)];
            var response = _server.Raw(Encoding.Latin1.GetBytes(request), TimeSpan.FromSeconds(2));
            if (response.StartsWith("HTTP/1.1 500", StringComparison.Ordinal)) errors.Add(request + " => " + response);
        });
        Assert.True(errors.IsEmpty, string.Join("\n---\n", errors.Take(3)) + "\nctapi: " + _server.Log);
        Assert.True(_server.Answers(), _server.Log);
        Assert.Empty(_server.Engine.List());
        Assert.DoesNotContain("connection failed", _server.Log);
        Assert.Equal(0, _server.Docker("run", "--rm", "busybox", "true").ExitCode);
    }

    [Fact]
    public void ArchiveWithClimbingEntriesIsRefused()
    {
        Assert.Equal(0, _server.Docker("create", "--name", "target", "busybox", "true").ExitCode);
        using var tar = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(tar, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "../../../../escaped") { DataStream = new MemoryStream("x"u8.ToArray()) };
            writer.WriteEntry(entry);
        }
        var body = tar.ToArray();
        var head = Encoding.ASCII.GetBytes($"PUT /v1.41/containers/target/archive?path=/tmp HTTP/1.1\r\nHost: d\r\nContent-Type: application/x-tar\r\nContent-Length: {body.Length}\r\n\r\n");
        var response = _server.Raw([.. head, .. body]);
        Assert.StartsWith("HTTP/1.1 400 ", response);
        Assert.False(File.Exists(Path.Combine(_server.Directory, "escaped")));
        Assert.False(File.Exists("/escaped"));
        var climbing = _server.Raw($"GET /v1.41/containers/target/archive?path=/../../../../etc/hostname HTTP/1.1\r\nHost: d\r\n\r\n");
        // Resolved inside the container's root: its /etc/hostname, or not found; never the host's.
        Assert.DoesNotContain(File.ReadAllText("/etc/hostname").Trim(), climbing);
    }
}
