using ContainerTools.OciRuntime.State;

namespace ContainerTools.Tests.Api;

/// <summary>
/// docker run's restart policy, health check, init, stop settings, capabilities, security options, ulimits and sysctls
/// through ctapi: the engine keeps what the CLI asked for, and inspect and ps report it back in Docker's shapes.
/// </summary>
// Its containers and networks make bridges and iptables rules: it runs in the network tests' collection, whose
// iptables checks would otherwise see them come and go.
[Collection(ContainerTools.Tests.Network.NetworkCollection.Name)]
public sealed class ServicesAndConfinementTests : IDisposable
{
    private readonly ApiServer _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public void RestartPolicyRestartsAFailingProgramUpToItsLimit()
    {
        var run = _server.Docker("run", "-d", "--name", "flaky", "--restart", "on-failure:2", "busybox", "sh", "-c", "exit 3");
        Assert.True(run.ExitCode == 0, run + _server.Log);
        Assert.Equal(RestartPolicy.OnFailure, _server.Engine.Resolve("flaky").Definition.RestartPolicy.Name);
        DockerCliTests.WaitFor(() => _server.Docker("inspect", "-f", "{{.State.Status}} {{.RestartCount}}", "flaky").Output == "exited 2\n");
        var policy = _server.Docker("inspect", "-f", "{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}} {{.State.ExitCode}}", "flaky");
        Assert.Equal("on-failure:2 3\n", policy.Output);
    }

    [Fact]
    public void HealthCheckIsReportedByInspectAndPs()
    {
        var run = _server.Docker("run", "-d", "--name", "checked", "--health-cmd", "test -e /tmp/ready", "--health-interval", "1s",
            "--health-retries", "2", "busybox", "sh", "-c", "touch /tmp/ready; exec sleep 300");
        Assert.True(run.ExitCode == 0, run + _server.Log);
        var failing = _server.Docker("run", "-d", "--name", "failing", "--health-cmd", "exit 1", "--health-interval", "1s", "--health-retries", "1", "busybox", "sleep", "300");
        Assert.True(failing.ExitCode == 0, failing.ToString());
        DockerCliTests.WaitFor(() => _server.Docker("ps", "--filter", "name=checked", "--format", "{{.Status}}").Output.EndsWith("(healthy)\n", StringComparison.Ordinal));
        DockerCliTests.WaitFor(() => _server.Docker("inspect", "-f", "{{.State.Health.Status}}", "failing").Output == "unhealthy\n");
        Assert.Equal("checked\n", _server.Docker("ps", "--filter", "health=healthy", "--format", "{{.Names}}").Output);
        var config = _server.Docker("inspect", "-f", "{{json .Config.Healthcheck.Test}} {{.Config.Healthcheck.Interval}} {{.Config.Healthcheck.Retries}}", "checked");
        Assert.Equal("[\"CMD-SHELL\",\"test -e /tmp/ready\"] 1s 2\n", config.Output);
        var log = _server.Docker("inspect", "-f", "{{(index .State.Health.Log 0).ExitCode}}", "failing");
        Assert.Equal("1\n", log.Output);
        Assert.Equal(HealthStatus.Healthy, _server.Engine.Resolve("checked").Health?.Status);
    }

    [Fact]
    public void InitStopTimeoutAndStopSignalAreKept()
    {
        var run = _server.Docker("run", "--rm", "--init", "busybox", "sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline");
        Assert.True(run.ExitCode == 0, run + _server.Log);
        Assert.DoesNotContain("sh -c", run.Output.Split(' ')[0]);
        Assert.Contains("sh -c", run.Output);
        var created = _server.Docker("create", "--name", "stopper", "--init", "--stop-timeout", "3", "--stop-signal", "SIGINT", "busybox", "sleep", "300");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal("true 3 SIGINT\n", _server.Docker("inspect", "-f", "{{.HostConfig.Init}} {{.Config.StopTimeout}} {{.Config.StopSignal}}", "stopper").Output);
        var definition = _server.Engine.Resolve("stopper").Definition;
        Assert.True(definition.Init);
        Assert.Equal(3, definition.StopTimeout);
    }

    [Fact]
    public void CapabilitiesSecurityOptionsAndUlimitsConfineTheProcess()
    {
        var caps = _server.Docker("run", "--rm", "--cap-drop", "ALL", "--cap-add", "NET_ADMIN", "busybox", "sh", "-c", "while read k v; do case $k in CapEff:) echo $v;; esac; done < /proc/self/status");
        Assert.True(caps.ExitCode == 0, caps + _server.Log);
        Assert.Equal("0000000000001000\n", caps.Output);
        var unconfined = _server.Docker("run", "--rm", "--security-opt", "seccomp=unconfined", "--security-opt", "no-new-privileges", "busybox", "sh", "-c",
            "while read k v; do case $k in Seccomp:|NoNewPrivs:) echo $k$v;; esac; done < /proc/self/status");
        Assert.True(unconfined.ExitCode == 0, unconfined.ToString());
        Assert.Equal("NoNewPrivs:1\nSeccomp:0\n", unconfined.Output);
        var limits = _server.Docker("run", "--rm", "--ulimit", "nofile=1024:2048", "busybox", "sh", "-c", "ulimit -n; ulimit -Hn");
        Assert.Equal("1024\n2048\n", limits.Output);
        var sysctl = _server.Docker("run", "--rm", "--network", "none", "--sysctl", "net.ipv4.ip_unprivileged_port_start=0", "busybox", "cat", "/proc/sys/net/ipv4/ip_unprivileged_port_start");
        Assert.True(sysctl.ExitCode == 0, sysctl.ToString());
        Assert.Equal("0\n", sysctl.Output);

        var created = _server.Docker("create", "--name", "confined", "--cap-drop", "ALL", "--ulimit", "nproc=64", "--sysctl", "net.ipv4.ip_forward=1", "--security-opt", "no-new-privileges", "busybox", "true");
        Assert.True(created.ExitCode == 0, created.ToString());
        var inspect = _server.Docker("inspect", "-f", "{{json .HostConfig.CapDrop}} {{(index .HostConfig.Ulimits 0).Name}}={{(index .HostConfig.Ulimits 0).Soft}} {{index .HostConfig.Sysctls \"net.ipv4.ip_forward\"}} {{json .HostConfig.SecurityOpt}}", "confined");
        Assert.Equal("[\"ALL\"] nproc=64 1 [\"no-new-privileges=true\"]\n", inspect.Output);
        var badCapability = _server.Docker("run", "--rm", "--cap-add", "NO_SUCH_CAP", "busybox", "true");
        Assert.NotEqual(0, badCapability.ExitCode);
        Assert.Contains("NO_SUCH_CAP", badCapability.Error);
    }

    [Fact]
    public void SeccompProfileIsSentAsItsContent()
    {
        // The CLI reads the file and sends its JSON: a profile that refuses mkdir with EPERM shows it arrived.
        var profile = Path.Combine(_server.Directory, "no-mkdir.json");
        File.WriteAllText(profile, """
            {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
            """);
        var run = _server.Docker("run", "--rm", "--security-opt", "seccomp=" + profile, "busybox", "mkdir", "/tmp/x");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Operation not permitted", run.Error);
        Assert.Equal(0, _server.Docker("run", "--rm", "busybox", "mkdir", "/tmp/x").ExitCode);
    }

    [Fact]
    public void RunOfAMissingProgramFailsAndRemovesTheContainer()
    {
        var run = _server.Docker("run", "--rm", "busybox", "no-such-program");
        Assert.Equal(127, run.ExitCode);
        Assert.Contains("no-such-program", run.Error);
        Assert.Empty(_server.Engine.List());
    }

    [Fact]
    public void ComposeRestartAndHealthcheck()
    {
        var project = Path.Combine(_server.Directory, "svc");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "docker-compose.yml"), """
            version: "3.7"
            services:
              app:
                image: busybox
                command: ["sleep", "300"]
                restart: unless-stopped
                init: true
                healthcheck:
                  test: ["CMD", "true"]
                  interval: 1s
                  retries: 2
            """);
        CliResult Compose(params string[] args) => _server.Run(ApiServer.Compose, args, project, TimeSpan.FromSeconds(180));
        var up = Compose("up", "-d");
        Assert.True(up.ExitCode == 0, up + _server.Log);
        var app = Assert.Single(_server.Engine.List());
        Assert.Equal(RestartPolicy.UnlessStopped, app.Definition.RestartPolicy.Name);
        Assert.Equal(["CMD", "true"], app.Definition.Health?.Test);
        Assert.True(app.Definition.Init);
        DockerCliTests.WaitFor(() => _server.Docker("inspect", "-f", "{{.State.Health.Status}}", app.Id).Output == "healthy\n");
        var down = Compose("down");
        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Empty(_server.Engine.List());
    }
}
