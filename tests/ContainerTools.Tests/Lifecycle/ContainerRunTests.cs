using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Tests.Lifecycle;

public sealed class ContainerRunTests : IDisposable
{
    private readonly ContainerHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void RunsToCompletionWithLogsAndExitCode()
    {
        var container = _host.Run("sh", "-c", "echo hello; echo oops >&2; exit 3");
        Assert.Equal(3, _host.Store.Wait(container.Id, TimeSpan.FromSeconds(30)));

        var exited = _host.Store.Resolve(container.Id);
        Assert.Equal(ContainerStatus.Exited, exited.Status);
        Assert.False(exited.State.OomKilled);
        Assert.NotNull(exited.State.FinishedAt);
        var logs = _host.Store.Logs(container.Id).ToList();
        Assert.Contains(logs, e => e.Stream == "stdout" && e.Text == "hello\n");
        Assert.Contains(logs, e => e.Stream == "stderr" && e.Text == "oops\n");
        var line = File.ReadLines(exited.Paths.LogFile).First();
        Assert.Matches("^\\{\"log\":\".*\\\\n\",\"stream\":\"(stdout|stderr)\",\"time\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z\"\\}$", line);
    }

    [Fact]
    public void AFailedStartReportsWhyAndLeavesNothingRunning()
    {
        var created = _host.Store.Create(new ContainerCreateOptions { Image = "busybox", Command = ["/no/such/program"] });

        var failure = Assert.Throws<ContainerTools.OciRuntime.Errors.ContainerToolsException>(() => _host.Store.Start(created.Id));

        Assert.Equal("ContainerStartFailed", failure.ErrorId);
        Assert.Contains("/no/such/program", failure.Message);
        // Typed: docker's 127 for a program not found, the errno, and the reason wrapped once on its way through ctmon.
        Assert.Equal(ContainerTools.OciRuntime.Errors.ExitCodes.CommandNotFound, failure.ExitCode);
        Assert.Equal(2, failure.Errno);
        Assert.StartsWith("exec: ", failure.Reason);
        Assert.Equal("The container could not start: " + failure.Reason, failure.Message);
        var after = _host.Store.Resolve(created.Id);
        Assert.Equal(ContainerStatus.Created, after.Status);
        Assert.NotNull(after.State.Error);
        Assert.Null(after.State.Cgroup);
        Assert.Empty(ContainerTools.OciRuntime.Linux.OverlayMount.MountsUnder(created.Paths.Directory));
        Assert.False(File.Exists(created.Paths.StartedFile));
        var host = ContainerTools.OciRuntime.Cgroups.CgroupHost.Default;
        var controllers = host.Version == ContainerTools.OciRuntime.Cgroups.CgroupVersion.V2 ? [""] : ContainerTools.OciRuntime.Cgroups.CgroupV1.Controllers;
        Assert.All(controllers, c => Assert.False(Directory.Exists(Path.Combine(host.OwnCgroupDirectory(c), "containertools", created.Id))));
    }
}
