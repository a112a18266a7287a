using ContainerTools.Runtime.Containers;
using ContainerTools.OciRuntime.Events;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Tests.Lifecycle;

/// <summary>
/// The monitor owns the exit: once a detached container's program exits, ctmon and its ctcleanup release everything
/// with no engine call; reads see the exit without changing anything.
/// </summary>
public sealed class ContainerExitTests : IDisposable
{
    private readonly ContainerHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void ADetachedAutoRemoveContainerIsGoneAfterItsExitWithNoEngineCall()
    {
        var started = _host.Run(new ContainerCreateOptions { Image = "busybox", Command = ["sh", "-c", "sleep 0.3; exit 4"], AutoRemove = true });
        var cgroups = started.State.Cgroup!.Directories.Values.ToList();
        Assert.All(cgroups, d => Assert.True(Directory.Exists(d)));

        // Only the file system is watched from here on: no engine call.
        Assert.True(SpinWait.SpinUntil(() => !Directory.Exists(started.Paths.Directory), TimeSpan.FromSeconds(30)), "the container directory is still there");
        // The destroy event follows the directory's removal.
        SpinWait.SpinUntil(() => _host.Store.Events.Read(null, null).Any(e => e.Id == started.Id && e.Action == ContainerEventActions.Destroy), TimeSpan.FromSeconds(10));

        Assert.Empty(OverlayMount.MountsUnder(_host.RootPath));
        Assert.All(cgroups, d => Assert.False(Directory.Exists(d), d));
        Assert.Empty(_host.Images.Holders(started.Definition.ImageId));
        var events = _host.Store.Events.Read(null, null).Where(e => e.Id == started.Id).Select(e => e.Action).ToList();
        Assert.Equal([ContainerEventActions.Create, ContainerEventActions.Start, ContainerEventActions.Die, ContainerEventActions.Destroy], events);
        Assert.Null(_host.Store.TryResolve(started.Id));
    }

    /// <summary>
    /// An AutoRemove container's upper directory is deleted with it: its overlay is volatile (no sync of the host's disk
    /// at the unmount on the exit's path, docs/storage.md), a kept container's is not.
    /// </summary>
    [Fact]
    public void OnlyAnAutoRemoveContainersRootIsMountedVolatile()
    {
        var removed = _host.Run(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "30"], AutoRemove = true });
        var kept = _host.Run("sleep", "30");
        try
        {
            Assert.Contains(OverlayOptions(removed.Paths.MergedDirectory), IsVolatile);
            Assert.DoesNotContain(OverlayOptions(kept.Paths.MergedDirectory), IsVolatile);
        }
        finally
        {
            _host.Store.Remove(removed.Id, force: true);
            _host.Store.Remove(kept.Id, force: true);
        }
        Assert.Empty(OverlayMount.MountsUnder(_host.RootPath));
    }

    // Linux 6.16 and later show the option as fsync=volatile.
    private static bool IsVolatile(string option) => option is "volatile" or "fsync=volatile";

    /// <summary>The super options of the overlay mounted on <paramref name="target"/>, from this process's mountinfo.</summary>
    private static string[] OverlayOptions(string target)
    {
        var line = File.ReadLines("/proc/self/mountinfo").Single(l => l.Split(' ')[4] == target);
        var fields = line.Substring(line.IndexOf(" - ", StringComparison.Ordinal) + 3).Split(' ');
        Assert.Equal("overlay", fields[0]);
        return fields[2].Split(',');
    }

    [Fact]
    public void AnExitedContainerIsSeenExitedByReadsThatChangeNothing()
    {
        var started = _host.Run("sh", "-c", "exit 6");
        Assert.True(SpinWait.SpinUntil(() => File.Exists(started.Paths.ExitFile), TimeSpan.FromSeconds(30)));
        var stateBefore = File.ReadAllBytes(started.Paths.StateFile);

        var seen = _host.Store.Resolve(started.Id);
        var listed = Assert.Single(_host.Store.List(), c => c.Id == started.Id);

        Assert.Equal(ContainerStatus.Exited, seen.Status);
        Assert.Equal(6, seen.State.ExitCode);
        Assert.Equal(6, listed.State.ExitCode);
        Assert.Equal(PendingExit.Recorded, seen.PendingExit);
        Assert.Equal(stateBefore, File.ReadAllBytes(started.Paths.StateFile));
        Assert.Empty(OverlayMount.MountsUnder(started.Paths.Directory));

        Assert.Single(_host.Store.Events.Read(null, null), e => e.Id == started.Id && e.Action == ContainerEventActions.Die);

        // The next write operation records it.
        var restarted = _host.Store.Start(started.Id);
        Assert.Equal(1, restarted.State.RestartCount);
    }

    /// <summary>
    /// exit.json says the teardown is done, although ctmon now runs it on two threads (the mount namespace it holds and
    /// the root on one, the cgroup on the other): when it appears, the root is unmounted and the cgroup removed.
    /// </summary>
    [Fact]
    public void TheExitRecordComesAfterTheTeardown()
    {
        var started = _host.Run(new ContainerCreateOptions { Image = "busybox", Command = ["sh", "-c", "sleep 1"], AutoRemove = true });
        var cgroups = started.State.Cgroup!.Directories.Values.ToList();
        Assert.NotEmpty(OverlayMount.MountsUnder(started.Paths.Directory));
        // The monitor holds the program's mount namespace, so that its unmounts are not part of the program's exit.
        var mountNamespace = new FileInfo($"/proc/{started.State.Pid}/ns/mnt").LinkTarget;
        Assert.NotEqual(new FileInfo("/proc/self/ns/mnt").LinkTarget, mountNamespace);
        Assert.Contains(Directory.EnumerateFileSystemEntries($"/proc/{started.State.MonitorPid}/fd"), fd => new FileInfo(fd).LinkTarget == mountNamespace);

        // Seen at once through the file system; ctcleanup may remove the whole directory right after.
        Assert.True(SpinWait.SpinUntil(() => File.Exists(started.Paths.ExitFile) || !Directory.Exists(started.Paths.Directory), TimeSpan.FromSeconds(30)));
        Assert.Empty(OverlayMount.MountsUnder(started.Paths.Directory));
        Assert.All(cgroups, d => Assert.False(Directory.Exists(d), d));
    }

    [Fact]
    public void AnAttachedRunStreamsItsOutputAndExitCodeAndSettlesItsOwnExit()
    {
        var created = _host.Store.Create(new ContainerCreateOptions
        {
            Image = "busybox", AutoRemove = true,
            Command = ["sh", "-c", "seq 1 20000; echo oops >&2; printf partial; exit 3"],
        });

        int? code;
        List<ContainerLogEntry> lines;
        using (var run = _host.Store.StartAttached(created.Id))
        {
            Assert.NotNull(run.Attachment);
            lines = _host.Store.AttachedOutput(run).ToList();
            code = _host.Store.FinishAttached(run);
        }

        Assert.Equal(3, code);
        var stdout = lines.Where(l => l.Stream == "stdout").Select(l => l.Text).ToList();
        Assert.Equal(20001, stdout.Count);
        Assert.Equal("1\n", stdout[0]);
        Assert.Equal("20000\n", stdout[19999]);
        Assert.Equal("partial", stdout[20000]);
        Assert.Equal("oops\n", Assert.Single(lines, l => l.Stream == "stderr").Text);
        // Removed by this call, not by ctcleanup: nothing is left to settle, and the directory is gone already.
        Assert.False(Directory.Exists(created.Paths.Directory));
        Assert.Empty(OverlayMount.MountsUnder(_host.RootPath));
        Assert.Null(_host.Store.TryResolve(created.Id));
        Assert.Single(_host.Store.Events.Read(null, null), e => e.Id == created.Id && e.Action == ContainerEventActions.Destroy);
    }
}
