using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.Exec;
using ContainerTools.Tests.Lifecycle;

namespace ContainerTools.Tests.Services;

/// <summary>Restore-Container after a simulated reboot: every monitor and container process killed, the store's mounts gone.</summary>
public sealed class RestoreTests : IDisposable
{
    private readonly ContainerHost _host = new();

    public void Dispose() => _host.Dispose();

    private Container Run(string name, string policy) => _host.Run(new ContainerCreateOptions
    {
        Image = "busybox", Name = name, Network = "none", RestartPolicy = policy, Command = ["sleep", "1000"],
    });

    private void Reboot()
    {
        foreach (var container in _host.Store.List().Where(c => c.Status == ContainerStatus.Running))
        {
            ProcessSignals.TrySend(container.State.MonitorPid, ProcessSignals.SIGKILL);
            if (container.State.Cgroup is { } cgroup) Cgroup.Open(cgroup).KillAll();
        }
        foreach (var mount in OverlayMount.MountsUnder(_host.RootPath)) OverlayMount.Unmount(mount);
    }

    [Fact]
    public void AfterASimulatedRebootRestoreStartsExactlyTheContainersWhosePolicySaysSo()
    {
        Run("always", "always");
        Run("unless-stopped", "unless-stopped");
        Run("stopped-unless-stopped", "unless-stopped");
        Run("stopped-always", "always");
        Run("no-policy", "no");
        Run("on-failure", "on-failure");
        _host.Store.Create(new ContainerCreateOptions { Image = "busybox", Name = "never-started", Network = "none", RestartPolicy = "always", Command = ["true"] });
        _host.Store.Stop("stopped-unless-stopped", TimeSpan.FromSeconds(1));
        _host.Store.Stop("stopped-always", TimeSpan.FromSeconds(1));

        Reboot();
        Assert.All(_host.Store.List().Where(c => c.Name is "always" or "no-policy"), c => Assert.Equal(PendingExit.LostMonitor, c.PendingExit));

        var restored = _host.Store.Restore();

        Assert.All(restored, r => Assert.Null(r.Error));
        Assert.Equal(["always", "stopped-always", "unless-stopped"], restored.Select(r => r.Container.Name).Order());
        foreach (var name in new[] { "always", "stopped-always", "unless-stopped" })
        {
            var container = _host.Store.Resolve(name);
            Assert.Equal(ContainerStatus.Running, container.Status);
            Assert.True(OverlayMount.IsMountPoint(container.Paths.MergedDirectory));
            using var exec = _host.Store.Exec(name, new ExecOptions { Command = ["true"] });
            Assert.Equal(0, exec.WaitForExit());
        }
        foreach (var name in new[] { "no-policy", "on-failure" })
        {
            var container = _host.Store.Resolve(name);
            Assert.Equal(ContainerStatus.Exited, container.Status);
            Assert.Equal(137, container.State.ExitCode);
            Assert.Equal(PendingExit.None, container.PendingExit);
            Assert.Null(container.State.Cgroup);
        }
        Assert.Equal(ContainerStatus.Exited, _host.Store.Resolve("stopped-unless-stopped").Status);
        Assert.Equal(ContainerStatus.Created, _host.Store.Resolve("never-started").Status);

        // Run again, it finds nothing more to do.
        Assert.Empty(_host.Store.Restore());
    }
}
