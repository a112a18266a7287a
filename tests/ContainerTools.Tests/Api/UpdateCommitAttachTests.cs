using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Tests.Api;

/// <summary>docker update (limits to the running cgroup, restart policy for the next start), docker commit, and attach?logs=1 replaying past output.</summary>
// Its containers and networks make bridges and iptables rules: it runs in the network tests' collection, whose
// iptables checks would otherwise see them come and go.
[Collection(ContainerTools.Tests.Network.NetworkCollection.Name)]
public sealed class UpdateCommitAttachTests : IDisposable
{
    private readonly ApiServer _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public void UpdateChangesTheLimitsOfARunningContainerAndItsRestartPolicy()
    {
        var run = _server.Docker("run", "-d", "--name", "resized", "busybox", "sleep", "300");
        Assert.True(run.ExitCode == 0, run + _server.Log);
        var update = _server.Docker("update", "--memory", "64m", "--pids-limit", "50", "--restart", "on-failure:4", "resized");
        Assert.True(update.ExitCode == 0, update + _server.Log);
        Assert.Equal("67108864 50 on-failure:4\n", _server.Docker("inspect", "-f",
            "{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}", "resized").Output);
        var container = _server.Engine.Resolve("resized");
        Assert.Equal(64L << 20, container.Definition.Limits.MemoryBytes);
        Assert.Equal(new RestartPolicy { Name = RestartPolicy.OnFailure, MaximumRetryCount = 4 }, container.Definition.RestartPolicy);
        // The running cgroup has them now (v1 or v2 file names).
        var cgroup = Assert.IsType<CgroupHandle>(container.State.Cgroup);
        var limits = cgroup.Directories.Values.SelectMany(dir => new[] { "memory.limit_in_bytes", "memory.max", "pids.max" }.Select(f => Path.Combine(dir, f)))
            .Where(File.Exists).Select(f => File.ReadAllText(f).Trim()).ToHashSet();
        Assert.Contains("67108864", limits);
        Assert.Contains("50", limits);
        Assert.NotEqual(0, _server.Docker("update", "--memory", "64m", "no-such-container").ExitCode);
    }

    [Fact]
    public void CommitMakesAnImageOfTheContainersChanges()
    {
        Assert.Equal(0, _server.Docker("run", "--name", "changed", "busybox", "sh", "-c", "echo kept > /made").ExitCode);
        var commit = _server.Docker("commit", "-c", "CMD [\"cat\", \"/made\"]", "-m", "a message", "changed", "committed:v1");
        Assert.True(commit.ExitCode == 0, commit + _server.Log);
        Assert.StartsWith("sha256:", commit.Output);
        var run = _server.Docker("run", "--rm", "committed:v1");
        Assert.Equal("kept\n", run.Output);
        Assert.Equal("a message\n", _server.Docker("image", "inspect", "-f", "{{.Comment}}", "committed:v1").Output);
        // docker history lists the newest entry (the commit) first.
        Assert.StartsWith("a message\n", _server.Docker("history", "--format", "{{.Comment}}", "committed:v1").Output);
    }

    [Fact]
    public void AttachWithLogsReplaysWhatTheContainerWroteInEarlierRuns()
    {
        // The first run writes "first" and exits; the second writes "second" and stays up.
        var run = _server.Docker("run", "--name", "chatty", "busybox", "sh", "-c", "if [ -e /tmp/again ]; then echo second; exec sleep 300; fi; touch /tmp/again; echo first");
        Assert.True(run.ExitCode == 0, run + _server.Log);
        Assert.Equal(0, _server.Docker("start", "chatty").ExitCode);
        DockerCliTests.WaitFor(() => _server.Docker("logs", "chatty").Output == "first\nsecond\n");
        var id = _server.Engine.Resolve("chatty").Id;
        string Attach(string query) => _server.Raw(System.Text.Encoding.Latin1.GetBytes(
            $"POST /v1.41/containers/{id}/attach?{query} HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"), TimeSpan.FromSeconds(2));
        var replayed = Attach("logs=1&stream=1&stdout=1");
        Assert.Contains("\u0001\0\0\0\0\0\0\u0006first\n\u0001\0\0\0\0\0\0\u0007second\n", replayed);
        var live = Attach("stream=1&stdout=1");
        Assert.DoesNotContain("first", live);
    }
}
