using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Monitor;
using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Images;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Lifecycle;

/// <summary>
/// The engine spawns ctmon before its own work for a start and tells it to go once that is done (docs/processes.md):
/// a start or run whose work fails after the spawn, and an engine that dies before the go, leave no monitor and
/// nothing the monitor would have written.
/// </summary>
public sealed class EarlyMonitorTests : IDisposable
{
    private readonly ContainerHost _host = new();
    private readonly string _monitorPids;
    private readonly ContainerStore _store;

    public EarlyMonitorTests()
    {
        // ctmon behind a script that records its pid, so that the test knows the monitor was spawned and which it was.
        _monitorPids = Path.Combine(_host.RootPath, "monitor-pids");
        var wrapper = Path.Combine(_host.RootPath, "ctmon-wrapper");
        File.WriteAllText(wrapper, $"#!/bin/sh\necho $$ >> '{_monitorPids}'\nexec '{HelperBinaries.Monitor}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _store = new ContainerStore(_host.Root, new ImageStore(_host.Root), new ContainerStoreOptions
        {
            MonitorPath = wrapper,
            InitPath = HelperBinaries.Init,
            CleanupPath = HelperBinaries.Cleanup,
        });
    }

    public void Dispose() => _host.Dispose();

    [Fact]
    public void AStartWhoseWorkFailsAfterTheMonitorWasSpawnedLeavesNoMonitorNoRecordsAndTheError()
    {
        var created = _store.Create(new ContainerCreateOptions { Image = "busybox", Command = ["true"] });
        // The overlay mount, which comes after the spawn, fails on a lower layer that is no longer there.
        Directory.Delete(_host.Images.LayerDirectories(_host.Images.Resolve("busybox"))[0], recursive: true);
        var entriesBefore = Entries(created.Paths);
        var eventsBefore = EventLines();

        var failure = Assert.Throws<ContainerToolsException>(() => _store.Start(created.Id));

        Assert.Equal("RootFsMountFailed", failure.ErrorId);
        var monitor = Assert.Single(SpawnedMonitors());
        // Gone by the time Start returns: the engine waits for the monitor that got no go.
        Assert.False(IsAlive(monitor), $"ctmon {monitor} still runs");
        // Nothing of the monitor's (the engine's own start left its state.json with the error, and its overlay directories).
        Assert.Empty(Entries(created.Paths).Except(entriesBefore)
            .Where(e => e == created.Paths.StartedFile || e == created.Paths.ExitFile || e == created.Paths.LogFile
                || e == created.Paths.MonitorPidFile || Path.GetFileName(e) == "attach"));
        Assert.False(File.Exists(created.Paths.StartedFile));
        Assert.False(File.Exists(created.Paths.ExitFile));
        Assert.Equal(eventsBefore, EventLines());
        var after = _store.Resolve(created.Id);
        Assert.Equal(ContainerStatus.Created, after.Status);
        Assert.Contains("root filesystem", after.State.Error);
        Assert.Null(after.State.Cgroup);
        Assert.Empty(OverlayMount.MountsUnder(created.Paths.Directory));
    }

    [Fact]
    public void ARunWhoseCreateFailsAfterTheMonitorWasSpawnedLeavesNothingAndReportsTheCreatesError()
    {
        // A layer directory that went missing fails the create after the container is registered (and its monitor spawned).
        var image = _host.Images.Resolve("busybox");
        Directory.Delete(_host.Images.LayerDirectories(image)[0], recursive: true);
        var eventsBefore = EventLines();

        var failure = Assert.Throws<ContainerToolsException>(() => _store.RunAttached(new ContainerCreateOptions { Image = "busybox", Command = ["true"], AutoRemove = true }));

        Assert.Equal("LayerNotFound", failure.ErrorId);
        var monitor = Assert.Single(SpawnedMonitors());
        Assert.False(IsAlive(monitor), $"ctmon {monitor} still runs");
        Assert.Empty(_store.List());
        Assert.Empty(Directory.GetFileSystemEntries(_host.Root.ContainersDirectory));
        Assert.Equal(eventsBefore, EventLines());
    }

    [Fact]
    public void AMonitorWhoseGoPipeEndsWithoutTheGoExitsAtOnceHavingWrittenNothing()
    {
        var created = _store.Create(new ContainerCreateOptions { Image = "busybox", Command = ["true"] });
        var entriesBefore = Entries(created.Paths);
        var eventsBefore = EventLines();
        var (readyRead, readyWrite) = FileDescriptors.Pipe();
        var (goRead, goWrite) = FileDescriptors.Pipe();
        var devNull = FileDescriptors.Open("/dev/null", 2 /* O_RDWR */);
        int pid;
        try
        {
            // As the engine runs it, but as this process's child, so that its exit status can be read.
            pid = ProcessSpawn.Spawn(HelperBinaries.Monitor,
                [HelperBinaries.Monitor, MonitorInvocation.MonitorOption, created.Paths.Directory, MonitorInvocation.InitOption, HelperBinaries.Init], [],
                new SpawnOptions { FileDescriptors = new Dictionary<int, int> { [0] = devNull, [1] = devNull, [2] = devNull, [3] = readyWrite, [MonitorInvocation.GoFdNumber] = goRead } });
        }
        finally
        {
            FileDescriptors.Close(devNull);
            FileDescriptors.Close(readyWrite);
            FileDescriptors.Close(goRead);
        }
        var reaped = false;
        try
        {
            // Without the go it waits, having touched nothing of the container.
            Assert.False(ProcessWait.EndsWithin(pid, TimeSpan.FromMilliseconds(300)), "ctmon ended before the engine's go or its end");
            Assert.Equal(entriesBefore, Entries(created.Paths));

            // The engine dies (or its work failed): the go pipe ends without the byte.
            FileDescriptors.Close(goWrite);
            goWrite = -1;
            Assert.True(ProcessWait.EndsWithin(pid, TimeSpan.FromSeconds(30)), "ctmon did not end at the end of its go pipe");
            var status = ProcessWait.Wait(pid);
            reaped = true;
            Assert.Equal(0, status.ShellCode);
            Assert.Empty(FileDescriptors.ReadToEnd(readyRead));
        }
        finally
        {
            FileDescriptors.Close(goWrite);
            FileDescriptors.Close(readyRead);
            if (!reaped && ProcessWait.TryWait(pid) is null)
            {
                ProcessSignals.TrySend(pid, ProcessSignals.SIGKILL);
                ProcessWait.Wait(pid);
            }
        }
        Assert.Equal(entriesBefore, Entries(created.Paths));
        Assert.Equal(eventsBefore, EventLines());
        Assert.Equal(ContainerStatus.Created, _store.Resolve(created.Id).Status);
    }

    private static string[] Entries(ContainerPaths paths) =>
        Directory.GetFileSystemEntries(paths.Directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

    private string[] EventLines() => File.Exists(_store.Events.Path) ? File.ReadAllLines(_store.Events.Path) : [];

    private int[] SpawnedMonitors() =>
        File.Exists(_monitorPids) ? File.ReadAllLines(_monitorPids).Where(l => l.Length > 0).Select(int.Parse).ToArray() : [];

    /// <summary>Neither running nor a zombie: the monitor is nobody's child but init's, which reaps it when it will.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
