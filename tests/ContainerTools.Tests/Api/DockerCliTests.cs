using ContainerTools.OciRuntime.State;
using ContainerTools.Tests.Module;

namespace ContainerTools.Tests.Api;

/// <summary>The docker CLIs (20.10, API 1.41; and 28, negotiating down) driving ctapi; the engine sees the same containers.</summary>
// Its containers use docker's bridge and published ports: it runs in the network tests' collection, whose
// iptables checks would otherwise see its rules come and go.
[Collection(ContainerTools.Tests.Network.NetworkCollection.Name)]
public sealed class DockerCliTests : IDisposable
{
    private readonly ApiServer _server = new();

    public void Dispose() => _server.Dispose();

    /// <summary>Debian's docker 20.10, and a newer CLI when one is installed (it negotiates down via /_ping and /version).</summary>
    public static TheoryData<string> Clis()
    {
        var clis = new TheoryData<string> { ApiServer.Docker20 };
        if (File.Exists(ApiServer.Docker28)) clis.Add(ApiServer.Docker28);
        return clis;
    }

    [Theory]
    [MemberData(nameof(Clis))]
    public void RunRemovePrintsTheOutputAndExitsWithTheContainersCode(string cli)
    {
        var hi = _server.DockerWith(cli, "run", "--rm", "busybox", "echo", "hi");
        Assert.True(hi.ExitCode == 0, hi.ToString());
        Assert.Equal("hi\n", hi.Output);
        var failing = _server.DockerWith(cli, "run", "--rm", "busybox", "sh", "-c", "echo oops >&2; exit 3");
        Assert.Equal(3, failing.ExitCode);
        Assert.Equal("oops\n", failing.Error);
        Assert.Empty(_server.Engine.List());
    }

    [Fact]
    public void DetachedContainerIsTheEnginesContainer()
    {
        var run = _server.Docker("run", "-d", "--name", "web", "--label", "team=api", "busybox", "sh", "-c", "echo started; exec sleep 300");
        Assert.True(run.ExitCode == 0, run.ToString());
        var id = run.Output.Trim();
        var seen = Assert.Single(_server.Engine.List());
        Assert.Equal(id, seen.Id);
        Assert.Equal("web", seen.Name);
        Assert.Equal(ContainerStatus.Running, seen.Status);
        Assert.Equal("api", seen.Definition.Labels["team"]);

        var ps = _server.Docker("ps", "--format", "{{.ID}} {{.Names}} {{.Image}} {{.Label \"team\"}}");
        Assert.Equal($"{id[..12]} web busybox api\n", ps.Output);
        var inspect = _server.Docker("inspect", "-f", "{{.Name}} {{.State.Status}} {{.State.Running}} {{.State.Pid}} {{.Config.Image}} {{index .Config.Labels \"team\"}}", "web");
        Assert.Equal($"/web running true {seen.State.Pid} busybox api\n", inspect.Output);
        WaitFor(() => _server.Docker("logs", "web").Output == "started\n");

        var exec = _server.Docker("exec", "web", "sh", "-c", "echo out; echo err >&2; exit 4");
        Assert.Equal(4, exec.ExitCode);
        Assert.Equal("out\n", exec.Output);
        Assert.Equal("err\n", exec.Error);
        Assert.Equal(127, _server.Docker("exec", "web", "no-such-program").ExitCode);

        Assert.Equal(0, _server.Docker("pause", "web").ExitCode);
        Assert.Equal(ContainerStatus.Paused, _server.Engine.Resolve("web").Status);
        Assert.Equal(0, _server.Docker("unpause", "web").ExitCode);
        Assert.Equal(0, _server.Docker("rename", "web", "web2").ExitCode);
        Assert.Equal("web2", _server.Engine.Resolve(id).Name);
        Assert.Equal(0, _server.Docker("kill", "web2").ExitCode);
        Assert.Equal("137\n", _server.Docker("wait", "web2").Output);
        var all = _server.Docker("ps", "-a", "--format", "{{.Names}} {{.Status}}");
        Assert.StartsWith("web2 Exited (137)", all.Output);
        Assert.Equal(0, _server.Docker("rm", "web2").ExitCode);
        Assert.Empty(_server.Engine.List());
    }

    [Fact]
    public void ContainerMadeByTheEngineIsListedByDocker()
    {
        var made = _server.Engine.Create(new ContainerTools.Runtime.Containers.ContainerCreateOptions { Image = "busybox", Name = "from-pwsh", Command = ["true"] });
        var ps = _server.Docker("ps", "-a", "--format", "{{.ID}} {{.Names}} {{.State}}");
        Assert.Equal($"{made.ShortId} from-pwsh created\n", ps.Output);
        Assert.Equal(0, _server.Docker("start", "-a", "from-pwsh").ExitCode);
        Assert.Equal(ContainerStatus.Exited, _server.Engine.Resolve("from-pwsh").Status);
    }

    [Fact]
    public void LogsFollowTailAndTimestamps()
    {
        var run = _server.Docker("run", "-d", "--name", "talker", "busybox", "sh", "-c", "for i in 1 2 3; do echo line$i; sleep 0.3; done; echo bad >&2");
        Assert.Equal(0, run.ExitCode);
        var follow = _server.Docker("logs", "-f", "talker");
        Assert.Equal("line1\nline2\nline3\n", follow.Output);
        Assert.Equal("bad\n", follow.Error);
        var tail = _server.Docker("logs", "--tail", "2", "talker");
        Assert.Equal("line3\n", tail.Output);
        Assert.Equal("bad\n", tail.Error);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z line1\n", _server.Docker("logs", "-t", "talker").Output);
    }

    [Fact]
    public void InteractiveRunAndExecThroughATerminal()
    {
        Assert.Equal(0, _server.Docker("run", "-d", "--name", "box", "busybox", "sleep", "300").ExitCode);
        using var tmux = new TmuxServer(_server.Directory);
        tmux.Start(100, 20, $"DOCKER_HOST={_server.DockerHost} DOCKER_CONFIG={_server.ConfigDirectory} {ApiServer.Docker20} exec -it box sh; echo EXEC-EXIT=$?; sleep 60");
        tmux.TypeUntil("echo $((6*7))", "\n42");
        tmux.Type("tty; exit 5");
        tmux.WaitForScreen(@"/dev/pts/\d+");
        tmux.WaitForScreen("EXEC-EXIT=5");
        tmux.Dispose();
        using var second = new TmuxServer(_server.Directory);
        second.Start(100, 20, $"DOCKER_HOST={_server.DockerHost} DOCKER_CONFIG={_server.ConfigDirectory} {ApiServer.Docker20} run -it --rm busybox sh; echo RUN-EXIT=$?; sleep 60");
        second.TypeUntil("echo $((7*8))", "\n56");
        second.Type("exit 6");
        second.WaitForScreen("RUN-EXIT=6");
        Assert.Single(_server.Engine.List());
    }

    [Fact]
    public void ConcurrentRunsLeaveNothingBehind()
    {
        var runs = Enumerable.Range(0, 20).AsParallel().WithDegreeOfParallelism(20)
            .Select(i => _server.Docker("run", "--rm", "busybox", "sh", "-c", $"echo run{i}"))
            .ToList();
        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"run{i}\n").Order(), runs.Select(r => r.Output).Order());
        WaitFor(() => _server.Engine.List().Count == 0);
        Assert.Empty(Directory.GetDirectories(_server.Root.ContainersDirectory));
    }

    [Fact]
    public void EventsReportTheLifecycle()
    {
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        Assert.Equal(0, _server.Docker("run", "--name", "evented", "busybox", "true").ExitCode);
        Assert.Equal(0, _server.Docker("rm", "evented").ExitCode);
        var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
        var events = _server.Docker("events", "--since", since.ToString(), "--until", until.ToString(), "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}");
        Assert.Equal("container create evented\ncontainer start evented\ncontainer die evented\ncontainer destroy evented\n", events.Output);
    }

    [Fact]
    public void VersionInfoAndNegotiation()
    {
        var cli = File.Exists(ApiServer.Docker28) ? ApiServer.Docker28 : ApiServer.Docker20;
        var version = _server.DockerWith(cli, "version", "--format", "{{.Server.APIVersion}} {{.Client.APIVersion}}");
        Assert.Equal("1.41 1.41\n", version.Output);
        var info = _server.Docker("info", "--format", "{{.Driver}} {{.OSType}} {{.Containers}}");
        Assert.Equal("overlay2 linux 0\n", info.Output);
    }

    internal static void WaitFor(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); !condition(); Thread.Sleep(100))
            Assert.True(DateTime.UtcNow < deadline, "condition not met in 30 s");
    }
}
