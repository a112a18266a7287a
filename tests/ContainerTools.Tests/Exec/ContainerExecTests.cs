using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.Bundle;
using ContainerTools.Runtime.Containers.Exec;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.Tests.Fixtures;
using ContainerTools.Tests.Lifecycle;

namespace ContainerTools.Tests.Exec;

public sealed class ContainerExecTests : IDisposable
{
    private readonly ContainerHost _host = new();

    public void Dispose() => _host.Dispose();

    private Container Sleeper(ContainerCreateOptions? options = null) =>
        _host.Run(options ?? new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "300"], Hostname = "exec-box" });

    private (int Code, string Out, string Err) Run(string container, ExecOptions options, string? input = null)
    {
        using var process = _host.Store.Exec(container, options with { OpenStandardInput = input is not null });
        var stdout = Task.Run(() => new StreamReader(process.StandardOutput).ReadToEnd());
        var stderr = Task.Run(() => new StreamReader(process.StandardError).ReadToEnd());
        if (input is not null)
        {
            using (var writer = new StreamWriter(process.StandardInput!)) writer.Write(input);
            process.CloseStandardInput();
        }
        var code = process.WaitForExit();
        return (code, stdout.Result, stderr.Result);
    }

    private (int Code, string Out, string Err) Run(string container, params string[] command) =>
        Run(container, new ExecOptions { Command = command });

    [Fact]
    public void JoinsTheContainersPidUtsAndMountNamespaces()
    {
        var container = Sleeper();

        var (code, output, error) = Run(container.Id, "sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '; echo; echo $$; hostname; ls /");

        Assert.True(code == 0, error);
        var lines = output.Split('\n');
        Assert.Equal("sleep 300 ", lines[0]);
        // Its pid is a small number in the container's namespace, not the host's pid.
        var innerPid = int.Parse(lines[1]);
        Assert.InRange(innerPid, 2, 50);
        Assert.Equal("exec-box", lines[2]);
        Assert.Contains("bin", lines);
        Assert.DoesNotContain("boot", lines); // busybox's root, not the host's
        Assert.NotEqual(Environment.MachineName, lines[2]);
    }

    [Fact]
    public void RunsInTheContainersCgroupWithItsCapabilitiesAndNoNewPrivs()
    {
        var container = Sleeper();

        var (code, output, error) = Run(container.Id, "sh", "-c", "grep -E '^(CapEff|NoNewPrivs|NSpid)' /proc/self/status; cat /proc/self/cgroup");

        Assert.True(code == 0, error);
        Assert.Contains("CapEff:\t00000000a80425fb", output);
        Assert.Contains("NoNewPrivs:\t0", output); // Docker's default, the container's
        // The cgroup namespace's root is the container's cgroup: every container hierarchy shows "/".
        var memoryLine = output.Split('\n').Single(l => CgroupHost.Default.Version == CgroupVersion.V2 ? l.StartsWith("0::") : l.Contains(":memory:"));
        Assert.EndsWith(":/", memoryLine);
    }

    [Fact]
    public void ADetachedProcessRunsOnInTheContainersCgroupAndDiesWithIt()
    {
        var container = Sleeper();

        var started = _host.Store.ExecDetached(container.Id, new ExecOptions { Command = ["sleep", "301"] });

        Assert.Equal(container.Id, started.ContainerId);
        var cgroup = Cgroup.Open(_host.Store.Resolve(container.Id).State.Cgroup!);
        Assert.Contains(started.Pid, cgroup.Pids());
        var nspid = File.ReadLines($"/proc/{started.Pid}/status").Single(l => l.StartsWith("NSpid:")).Split('\t', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(started.Pid.ToString(), nspid[1]);
        Assert.InRange(int.Parse(nspid[^1]), 2, 50);
        _host.Store.Stop(container.Id, TimeSpan.FromSeconds(1));
        Assert.True(SpinWait.SpinUntil(() => !File.Exists($"/proc/{started.Pid}/status") || File.ReadAllText($"/proc/{started.Pid}/status").Contains("State:\tZ"), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void EachExecIsRecordedAsAnEventAfterTheContainersStart()
    {
        var container = Sleeper();

        var started = _host.Store.ExecDetached(container.Id, new ExecOptions { Command = ["sleep", "303"] });

        var actions = _host.Store.Events.Read().Where(e => e.Id == container.Id).Select(e => e.Action).ToList();
        Assert.Equal(["create", "start", "exec"], actions);
        var exec = _host.Store.Events.Read().Single(e => e.Id == container.Id && e.Action == "exec");
        Assert.Equal("sleep 303", exec.Attributes["execCommand"]);
        Assert.Equal(started.Pid.ToString(), exec.Attributes["execPid"]);
    }

    [Fact]
    public void ExitCodesStderrAndStdinComeThrough()
    {
        var container = Sleeper();

        Assert.Equal((7, "out\n", "err\n"), Run(container.Id, "sh", "-c", "echo out; echo err >&2; exit 7"));
        Assert.Equal((0, "a\nb\n", ""), Run(container.Id, new ExecOptions { Command = ["cat"] }, "a\nb\n"));
        // Without stdin the process reads /dev/null: end of file at once.
        Assert.Equal((0, "0\n", ""), Run(container.Id, "sh", "-c", "wc -c"));
    }

    [Fact]
    public void UserWorkingDirectoryAndEnvironmentDefaultToTheContainersAndCanBeOverridden()
    {
        var container = Sleeper(new ContainerCreateOptions
        {
            Image = "busybox", Command = ["sleep", "300"], Env = ["FROM_CONTAINER=1", "SHARED=container"], WorkingDir = "/tmp",
        });

        var defaults = Run(container.Id, "sh", "-c", "id -u; pwd; echo $FROM_CONTAINER $SHARED");
        Assert.Equal((0, "0\n/tmp\n1 container\n", ""), defaults);

        var overridden = Run(container.Id, new ExecOptions
        {
            Command = ["sh", "-c", "id -u; id -g; pwd; echo $FROM_CONTAINER $SHARED $EXTRA"],
            User = "nobody", WorkingDirectory = "/etc", Environment = ["SHARED=exec", "EXTRA=x"],
        });
        Assert.Equal((0, "65534\n65534\n/etc\n1 exec x\n", ""), overridden);
        // The spec went to ctinit over its gate: no exec bundle, no command line or environment on disk.
        Assert.False(Directory.Exists(container.Paths.ExecBundleDirectory));
    }

    [Fact]
    public void AnExecTakesTheContainersConfigAsItNowStandsAlthoughTheProcessKeepsItParsed()
    {
        var container = Sleeper(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "300"], Env = ["VERSION=1"] });
        Assert.Equal((0, "1\n", ""), Run(container.Id, "sh", "-c", "echo $VERSION"));

        // Replaced whole, as BundleWriter writes it; a store of its own, as each cmdlet call makes.
        var spec = OciRuntime.Spec.BundleReader.Read(container.Paths.BundleDirectory);
        BundleWriter.Write(container.Paths.BundleDirectory, spec with { Process = spec.Process with { Env = ["VERSION=2"] } });
        Assert.Equal((0, "2\n", ""), RunOn(_host.NewStore(), container.Id, "sh", "-c", "echo $VERSION"));
    }

    private static (int Code, string Out, string Err) RunOn(ContainerStore store, string container, params string[] command)
    {
        using var process = store.Exec(container, new ExecOptions { Command = command });
        var stderr = Task.Run(() => new StreamReader(process.StandardError).ReadToEnd());
        var stdout = new StreamReader(process.StandardOutput).ReadToEnd();
        return (process.WaitForExit(), stdout, stderr.Result);
    }

    [Fact]
    public void ExplainsWhatCannotRun()
    {
        var container = Sleeper();

        var unknown = Assert.Throws<ContainerToolsException>(() => _host.Store.Exec(container.Id, new ExecOptions { Command = ["no-such-program"] }));
        Assert.Equal("ContainerExecFailed", unknown.ErrorId);
        Assert.Equal(ErrorKind.NotFound, unknown.Kind);
        Assert.Contains("executable file not found in $PATH", unknown.Message);

        var badCwd = Assert.Throws<ContainerToolsException>(() => _host.Store.Exec(container.Id, new ExecOptions { Command = ["true"], WorkingDirectory = "/no/such/dir" }));
        Assert.Equal("ContainerExecFailed", badCwd.ErrorId);

        _host.Store.Pause(container.Id);
        var paused = Assert.Throws<ContainerToolsException>(() => _host.Store.Exec(container.Id, new ExecOptions { Command = ["true"] }));
        Assert.Equal("ContainerPaused", paused.ErrorId);
        _host.Store.Resume(container.Id);

        var stopped = _host.Store.Create(new ContainerCreateOptions { Image = "busybox", Command = ["true"] });
        var notRunning = Assert.Throws<ContainerToolsException>(() => _host.Store.Exec(stopped.Id, new ExecOptions { Command = ["true"] }));
        Assert.Equal("ContainerNotRunning", notRunning.ErrorId);
        Assert.Equal(ErrorKind.InvalidOperation, notRunning.Kind);
        // Failed execs leave no bundle of their own, and nothing of theirs in the container's one.
        Assert.DoesNotContain(Directory.GetDirectories(container.Paths.Directory), d => Path.GetFileName(d).StartsWith("exec-"));
        Assert.False(File.Exists(Path.Combine(container.Paths.ExecBundleDirectory, "config.json")));
    }

    [Fact]
    public void AProgramTheKernelRefusesAfterCtinitIsReadyIsReportedAsNotRunnable()
    {
        var container = Sleeper();
        Assert.Equal(0, Run(container.Id, "sh", "-c", "echo garbage > /tmp/not-a-program; chmod +x /tmp/not-a-program").Code);

        // Found and executable: ctinit reports ready, finds its go already on the gate, and only execve refuses it.
        var refused = Assert.Throws<ContainerToolsException>(() => _host.Store.Exec(container.Id, new ExecOptions { Command = ["/tmp/not-a-program"] }));
        Assert.Equal("ContainerExecFailed", refused.ErrorId);
        Assert.Equal(126, refused.ExitCode);
        Assert.Contains("Exec format error", refused.Message);
        Assert.Equal(0, Run(container.Id, "true").Code);
    }

    [Fact]
    public void AnInitSpawnedBeforeItsBundleThatIsNeverContinuedExitsAndIsReaped()
    {
        var container = _host.Store.Resolve(Sleeper().Id);
        var devNull = FileDescriptors.Open("/dev/null", 2 /* O_RDWR */);
        int pid;
        try
        {
            using var early = ContainerLauncher.SpawnEarlyJoin(new LaunchRequest
            {
                BundlePath = container.Paths.ExecBundleDirectory, StdinFd = devNull, StdoutFd = devNull, StderrFd = devNull,
                CgroupJoinFiles = Cgroup.Open(container.State.Cgroup!).JoinFiles, InitPath = HelperBinaries.Init, JoinExisting = true,
            }, container.State.Pid);
            pid = early.Pid;
            // Born in the container's pid namespace (two NSpid levels), and in none of its cgroups before its bundle.
            var status = File.ReadAllText($"/proc/{pid}/status");
            Assert.Equal(3, status.Split('\n').Single(l => l.StartsWith("NSpid:")).Split('\t', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.DoesNotContain(pid.ToString(), Cgroup.Open(container.State.Cgroup!).JoinFiles.SelectMany(File.ReadAllLines));
        }
        finally { FileDescriptors.Close(devNull); }
        // Disposed: its gate closed, it exited on its own and was reaped (a zombie would keep /proc/PID).
        Assert.False(Directory.Exists($"/proc/{pid}"));

        // Through the engine: an exec that fails under the lock (an unknown user) leaves no ctinit behind either.
        var badUser = Assert.Throws<ContainerToolsException>(() => _host.Store.Exec(container.Id, new ExecOptions { Command = ["true"], User = "no-such-user" }));
        Assert.Equal("UserNotFound", badUser.ErrorId);
        var children = Directory.GetDirectories("/proc/self/task").SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain(children, child => File.Exists($"/proc/{child}/cmdline") && File.ReadAllText($"/proc/{child}/cmdline").Contains(container.Paths.BundleDirectory));
        Assert.Equal(0, Run(container.Id, "true").Code);
    }

    [Fact]
    public void ListsTheContainersProcessesWithBothPidsAndTheirUsers()
    {
        var container = Sleeper();
        var started = _host.Store.ExecDetached(container.Id, new ExecOptions { Command = ["sleep", "302"], User = "nobody" });

        var processes = _host.Store.Processes(container.Id);

        Assert.Equal(2, processes.Count);
        var first = processes[0];
        Assert.Equal((1, container.State.Pid, "root"), (first.ContainerPid, first.HostPid, first.User));
        Assert.Equal(["sleep", "300"], first.CommandLine);
        var second = processes[1];
        Assert.Equal((started.Pid, 65534u, "nobody"), (second.HostPid, second.Uid, second.User));
        Assert.Equal(["sleep", "302"], second.CommandLine);
        Assert.NotEqual(second.HostPid, second.ContainerPid);
        Assert.True(second.ContainerPid > 1);
    }
}
