using System.Diagnostics;
using ContainerTools.Tests.Registry;

namespace ContainerTools.Tests.Api;

/// <summary>docker-compose 1.29, networks, volumes, cp, images and a local registry, through ctapi.</summary>
// Its containers use docker's bridge and published ports: it runs in the network tests' collection, whose
// iptables checks would otherwise see its rules come and go.
[Collection(ContainerTools.Tests.Network.NetworkCollection.Name)]
public sealed class ComposeAndResourceTests : IDisposable
{
    private readonly ApiServer _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public void ComposeUpServicesReachEachOtherByNameAndDownLeavesNothing()
    {
        var project = Path.Combine(_server.Directory, "proj");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "docker-compose.yml"), """
            version: "3.7"
            services:
              web:
                image: busybox
                command: ["sh", "-c", "echo pong > /tmp/index.html; echo web-ready; exec httpd -f -p 8080 -h /tmp"]
              client:
                image: busybox
                command: ["sleep", "300"]
                volumes:
                  - data:/data
            volumes:
              data:
            """);
        CliResult Compose(params string[] args) => _server.Run(ApiServer.Compose, args, project, TimeSpan.FromSeconds(180));

        var up = Compose("up", "-d");
        Assert.True(up.ExitCode == 0, up + _server.Log);
        Assert.Equal(2, _server.Engine.List().Count);
        var network = Assert.Single(_server.Engine.Networks.List(), n => n.Name == "proj_default");
        var fetched = Compose("exec", "-T", "client", "wget", "-qO-", "http://web:8080/index.html");
        Assert.True(fetched.ExitCode == 0, fetched.ToString());
        Assert.Equal("pong\n", fetched.Output);
        DockerCliTests.WaitFor(() => Compose("logs", "web").Output.Contains("web-ready"));

        var down = Compose("down", "-v");
        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Empty(_server.Engine.List());
        Assert.DoesNotContain(_server.Engine.Networks.List(), n => n.Name == "proj_default");
        Assert.Empty(_server.Engine.Volumes.List());
        Assert.False(Directory.Exists($"/sys/class/net/{network.Bridge}"), $"bridge {network.Bridge} left behind");
        Assert.DoesNotContain(network.Bridge, Run("iptables-save"));
    }

    [Fact]
    public void NetworksAndVolumesThroughTheCli()
    {
        Assert.Equal(0, _server.Docker("network", "create", "--subnet", "10.213.7.0/24", "apinet").ExitCode);
        Assert.Equal("10.213.7.0/24\n", _server.Docker("network", "inspect", "-f", "{{range .IPAM.Config}}{{.Subnet}}{{end}}", "apinet").Output);
        Assert.Contains("apinet", _server.Docker("network", "ls", "--format", "{{.Name}}").Output);
        Assert.Equal(0, _server.Docker("run", "-d", "--name", "a", "--network", "apinet", "--network-alias", "alpha", "busybox", "sleep", "300").ExitCode);
        Assert.Equal(0, _server.Docker("run", "-d", "--name", "b", "busybox", "sleep", "300").ExitCode);
        Assert.Equal(0, _server.Docker("network", "connect", "apinet", "b").ExitCode);
        var ping = _server.Docker("exec", "b", "ping", "-c", "1", "-W", "5", "alpha");
        Assert.True(ping.ExitCode == 0, ping.ToString());
        Assert.StartsWith("10.213.7.", _server.Docker("inspect", "-f", "{{.NetworkSettings.Networks.apinet.IPAddress}}", "a").Output);
        Assert.Equal(0, _server.Docker("network", "disconnect", "apinet", "b").ExitCode);
        Assert.NotEqual(0, _server.Docker("network", "rm", "apinet").ExitCode);
        Assert.Equal(0, _server.Docker("rm", "-f", "a", "b").ExitCode);
        Assert.Equal(0, _server.Docker("network", "rm", "apinet").ExitCode);
        Assert.Empty(_server.Engine.Networks.List());

        Assert.Equal(0, _server.Docker("volume", "create", "keep").ExitCode);
        Assert.Equal(0, _server.Docker("run", "--rm", "-v", "keep:/data", "busybox", "sh", "-c", "echo kept > /data/f").ExitCode);
        Assert.Equal("kept\n", _server.Docker("run", "--rm", "-v", "keep:/data", "busybox", "cat", "/data/f").Output);
        Assert.Equal("keep\n", _server.Docker("volume", "ls", "--format", "{{.Name}}").Output);
        Assert.Equal(0, _server.Docker("volume", "rm", "keep").ExitCode);
        Assert.Equal(0, _server.Docker("volume", "create", "loose").ExitCode);
        Assert.Contains("loose", _server.Docker("volume", "prune", "-f").Output);
        Assert.Empty(_server.Engine.Volumes.List());
    }

    [Fact]
    public async Task DetachedRunPublishesAPort()
    {
        Assert.Equal(0, _server.Docker("network", "create", "pubnet").ExitCode);
        var bridge = Assert.Single(_server.Engine.Networks.List()).Bridge;
        var run = _server.Docker("run", "-d", "--name", "httpd", "--network", "pubnet", "-p", "127.0.0.1::8080", "busybox",
            "sh", "-c", "echo published > /tmp/index.html; exec httpd -f -p 8080 -h /tmp");
        Assert.True(run.ExitCode == 0, run.ToString());
        var port = _server.Docker("port", "httpd", "8080").Output.Trim();
        Assert.Matches(@"^127\.0\.0\.1:\d+$", port);
        using var http = new HttpClient();
        string? body = null;
        for (var attempt = 0; attempt < 50 && body is null; attempt++)
        {
            try { body = await http.GetStringAsync($"http://{port}/index.html"); }
            catch (HttpRequestException) { await Task.Delay(100); }
        }
        Assert.Equal("published\n", body);
        Assert.Equal(0, _server.Docker("rm", "-f", "httpd").ExitCode);
        Assert.Equal(0, _server.Docker("network", "rm", "pubnet").ExitCode);
        Assert.DoesNotContain(bridge, Run("iptables-save"));
    }

    [Fact]
    public void CopyBothWaysStatsAndExport()
    {
        Assert.Equal(0, _server.Docker("run", "-d", "--name", "files", "busybox", "sleep", "300").ExitCode);
        var local = Path.Combine(_server.Directory, "in");
        Directory.CreateDirectory(Path.Combine(local, "sub"));
        File.WriteAllText(Path.Combine(local, "sub", "note"), "hello\n");
        Assert.Equal(0, _server.Docker("cp", local, "files:/tmp/").ExitCode);
        Assert.Equal("hello\n", _server.Docker("exec", "files", "cat", "/tmp/in/sub/note").Output);
        var back = Path.Combine(_server.Directory, "out");
        var copied = _server.Docker("cp", "files:/tmp/in", back);
        Assert.True(copied.ExitCode == 0, copied.ToString());
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(back, "sub", "note")));
        Assert.NotEqual(0, _server.Docker("cp", "files:/no/such/file", back).ExitCode);
        Assert.Equal(0, _server.Docker("exec", "files", "rm", "/etc/group").ExitCode);
        var diff = _server.Docker("diff", "files").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("A /tmp/in/sub/note", diff);
        Assert.Contains("D /etc/group", diff);
        Assert.DoesNotContain("A /etc/hostname", diff);

        var stats = _server.Docker("stats", "--no-stream", "--format", "{{.Name}} {{.PIDs}}", "files");
        Assert.Equal("files 1\n", stats.Output);
        Assert.Contains("sleep 300", _server.Docker("top", "files").Output);
        var tar = Path.Combine(_server.Directory, "export.tar");
        Assert.Equal(0, _server.Docker("export", "-o", tar, "files").ExitCode);
        Assert.Contains("tmp/in/sub/note", Run("tar", "-tf", tar));
    }

    [Fact]
    public void ImagesTagPushPullSaveLoadAndRemove()
    {
        using var registry = LocalRegistry.Start();
        var remote = $"{registry.Host}/team/busybox:1";
        Assert.Equal(0, _server.Docker("tag", "busybox", remote).ExitCode);
        var push = _server.Docker("push", remote);
        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.Contains("digest: sha256:", push.Output);
        Assert.Equal(0, _server.Docker("rmi", remote).ExitCode);
        var pull = _server.DockerWith(File.Exists(ApiServer.Docker28) ? ApiServer.Docker28 : ApiServer.Docker20, "pull", remote);
        Assert.True(pull.ExitCode == 0, pull.ToString());
        Assert.Equal(0, _server.Docker("run", "--rm", remote, "true").ExitCode);
        var images = _server.Docker("images", "--format", "{{.Repository}}:{{.Tag}}");
        Assert.Contains($"{registry.Host}/team/busybox:1", images.Output);
        Assert.Equal("[\"sh\"]\n", _server.Docker("image", "inspect", "-f", "{{json .Config.Cmd}}", "busybox").Output);
        Assert.NotEqual(0, _server.Docker("pull", $"{registry.Host}/team/missing:1").ExitCode);

        var archive = Path.Combine(_server.Directory, "saved.tar");
        Assert.Equal(0, _server.Docker("save", "-o", archive, remote).ExitCode);
        Assert.Equal(0, _server.Docker("rmi", remote).ExitCode);
        var load = _server.Docker("load", "-i", archive);
        Assert.True(load.ExitCode == 0, load.ToString());
        Assert.Contains($"Loaded image: {remote}", load.Output);
        Assert.Contains("Untagged", _server.Docker("rmi", remote).Output);
    }

    [Fact]
    public void BuildFromATarContext()
    {
        var context = Path.Combine(_server.Directory, "ctx");
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM busybox\nARG WHO=world\nRUN echo \"hello $WHO\" > /greeting\nCOPY note.txt /note.txt\nCMD [\"cat\", \"/greeting\", \"/note.txt\"]\n");
        File.WriteAllText(Path.Combine(context, "note.txt"), "noted\n");
        var build = _server.Run(ApiServer.Docker20, ["build", "--build-arg", "WHO=api", "-t", "built:1", "."], context);
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains("Successfully tagged built:1", build.Output);
        Assert.Equal("hello api\nnoted\n", _server.Docker("run", "--rm", "built:1").Output);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM busybox\nRUN exit 9\n");
        Assert.NotEqual(0, _server.Run(ApiServer.Docker20, ["build", "."], context).ExitCode);
    }

    private static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output;
    }
}
