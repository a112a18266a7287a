using System.Text;
using System.Text.Json;

namespace ContainerTools.Tests.Api;

/// <summary>
/// HostConfig.UsernsMode at create: "" and "host" are the host's user namespace (all the docker CLI sends), "auto" and
/// "auto:size=N" the engine's own range of host ids (Podman's --userns=auto, sent by API clients), reported back by
/// inspect; anything else is a 400 that creates nothing. Containers without a network: no bridges.
/// </summary>
public sealed class UsernsModeTests : IDisposable
{
    private readonly ApiServer _server = new();

    public void Dispose() => _server.Dispose();

    private (int Status, string Body) Create(string hostConfig)
    {
        var json = """{"Image":"busybox","Cmd":["cat","/proc/self/uid_map"],"HostConfig":""" + hostConfig + "}";
        var response = _server.Raw($"POST /v1.41/containers/create HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n{json}");
        return (int.Parse(response.Split(' ')[1]), response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
    }

    private string UsernsMode(string id)
    {
        var inspect = _server.Docker("inspect", "-f", "{{.HostConfig.UsernsMode}}", id);
        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        return inspect.Output.TrimEnd('\n');
    }

    [Fact]
    public void AutoGivesTheContainerItsOwnRangeOfHostIds()
    {
        var (status, body) = Create("""{"UsernsMode":"auto:size=70000","NetworkMode":"none"}""");
        Assert.True(status == 201, body);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("Id").GetString()!;
        Assert.Equal("auto:size=70000", UsernsMode(id));
        var maps = Assert.Single(_server.Engine.List()).Definition.UserNamespace!;
        Assert.Equal("auto:size=70000", maps.Mode);
        Assert.Equal(70000u, maps.Uids[0].Size);
        Assert.NotEqual(0u, maps.Uids[0].HostId);

        // The container's root is an unprivileged host user: it must be able to pass through the test's directory to its store.
        File.SetUnixFileMode(_server.Directory, File.GetUnixFileMode(_server.Directory) | UnixFileMode.OtherExecute);
        var run = _server.Docker("start", "-a", id);
        Assert.True(run.ExitCode == 0, $"{run}\nctapi: {_server.Log}");
        Assert.Equal($"0 {maps.Uids[0].HostId} 70000", string.Join(' ', run.Output.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void HostAndEmptyAreTheHostsNamespace()
    {
        var given = _server.Docker("create", "--network", "none", "--userns", "host", "busybox", "true");
        Assert.True(given.ExitCode == 0, given.ToString());
        var omitted = _server.Docker("create", "--network", "none", "busybox", "true");
        Assert.True(omitted.ExitCode == 0, omitted.ToString());
        var (status, body) = Create("""{"UsernsMode":"","NetworkMode":"none"}""");
        Assert.True(status == 201, body);

        Assert.Equal("", UsernsMode(given.Output.Trim()));
        Assert.Equal("", UsernsMode(omitted.Output.Trim()));
        Assert.All(_server.Engine.List(), c => Assert.Null(c.Definition.UserNamespace));
        Assert.Equal(3, _server.Engine.List().Count);
    }

    [Theory]
    [InlineData("private")]
    [InlineData("keep-id")]
    [InlineData("auto:size=0")]
    [InlineData("auto:size=lots")]
    [InlineData("ns:/proc/1/ns/user")]
    public void OtherModesAreRefusedAndCreateNothing(string mode)
    {
        var (status, body) = Create($$"""{"UsernsMode":"{{mode}}","NetworkMode":"none"}""");
        Assert.True(status == 400, body);
        Assert.Contains($"HostConfig.UsernsMode '{mode}' is not supported", JsonDocument.Parse(body).RootElement.GetProperty("message").GetString());
        Assert.Empty(_server.Engine.List());
    }
}
