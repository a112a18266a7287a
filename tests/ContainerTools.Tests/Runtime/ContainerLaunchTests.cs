using ContainerTools.Runtime.Containers.Bundle;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Tests.Runtime;

/// <summary>The launcher's contract: exit codes reach the caller, failures before exec become clear errors.</summary>
public sealed class ContainerLaunchTests : IDisposable
{
    private readonly BusyboxBundle _bundle = new();

    public void Dispose() => _bundle.Dispose();

    [Fact]
    public void TheExitCodeReachesTheCaller()
    {
        var result = ContainerRun.Run(_bundle, BusyboxBundle.Shell("echo out; echo err >&2; exit 42"));

        Assert.Equal(42, result.Status.Code);
        Assert.False(result.Status.Signaled);
        Assert.Equal("out\n", result.Stdout);
        Assert.Equal("err\n", result.Stderr);
    }

    [Fact]
    public void AMissingExecutableIsAClearError()
    {
        var error = Assert.Throws<ContainerToolsException>(() =>
            ContainerRun.Run(_bundle, RuntimeSpecDefaults.Create(["no-such-program", "arg"])));

        Assert.Equal("ContainerStartFailed", error.ErrorId);
        Assert.Equal(ErrorKind.NotFound, error.Kind);
        Assert.Contains("executable file not found", error.Message);
        Assert.Contains("no-such-program", error.Message);
    }

    [Fact]
    public void AnExecFailureAfterSetupIsAClearError()
    {
        var script = Path.Combine(_bundle.RootfsPath, "bin", "not-executable");
        File.WriteAllText(script, "#!/bin/sh\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var error = Assert.Throws<ContainerToolsException>(() => ContainerRun.Run(_bundle, RuntimeSpecDefaults.Create(["/bin/not-executable"])));

        Assert.Equal("ContainerStartFailed", error.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, error.Kind);
        Assert.Contains("/bin/not-executable", error.Message);
    }

    [Fact]
    public void ANamespaceGivenByPathIsJoined()
    {
        // A waiting container owns a network namespace; a second one joins it, as `--network container:X` does.
        _bundle.Write(RuntimeSpecDefaults.Create(["true"]));
        using var owner = ContainerLauncher.Create(Request());
        var ownerNet = new FileInfo($"/proc/{owner.Pid}/ns/net").LinkTarget;
        using var joiner = new BusyboxBundle();
        var spec = BusyboxBundle.Shell("readlink /proc/self/ns/net");
        spec = spec with
        {
            Linux = spec.Linux with
            {
                Namespaces = spec.Linux.Namespaces.Select(ns => ns.Type == "network" ? ns with { Path = $"/proc/{owner.Pid}/ns/net" } : ns).ToList(),
            },
        };

        var result = ContainerRun.Run(joiner, spec);

        Assert.Equal(ownerNet, result.Stdout.Trim());
        Assert.NotEqual(new FileInfo("/proc/self/ns/net").LinkTarget, ownerNet);
    }

    [Fact]
    public void AMissingRootfsIsAClearError()
    {
        Directory.Delete(_bundle.RootfsPath, recursive: true);

        var error = Assert.Throws<ContainerToolsException>(() => ContainerRun.Run(_bundle, RuntimeSpecDefaults.Create(["true"])));

        Assert.Equal("ContainerStartFailed", error.ErrorId);
        Assert.Contains("rootfs", error.Message);
    }

    [Fact]
    public void AnInvalidConfigIsInvalidData()
    {
        File.WriteAllText(Path.Combine(_bundle.BundlePath, "config.json"), "{\"process\": [");

        var error = Assert.Throws<ContainerToolsException>(() => ContainerLauncher.Start(Request()));

        Assert.Equal("InvalidRuntimeSpec", error.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
    }

    [Fact]
    public void ABundleWithoutConfigIsNotFound()
    {
        var error = Assert.Throws<ContainerToolsException>(() => ContainerLauncher.Start(Request()));

        Assert.Equal("BundleNotFound", error.ErrorId);
    }

    [Fact]
    public void ACreatedContainerWaitsInItsNamespacesUntilStarted()
    {
        _bundle.Write(RuntimeSpecDefaults.Create(["sh", "-c", "exit 3"]));
        using var created = ContainerLauncher.Create(Request());

        // Still ctinit, already in the container's own namespaces.
        Assert.Equal("ctinit", File.ReadAllText($"/proc/{created.Pid}/comm").Trim());
        Assert.NotEqual(new FileInfo("/proc/self/ns/net").LinkTarget, new FileInfo($"/proc/{created.Pid}/ns/net").LinkTarget);
        Assert.NotEqual(new FileInfo("/proc/self/ns/pid").LinkTarget, new FileInfo($"/proc/{created.Pid}/ns/pid").LinkTarget);

        var started = created.Start();

        Assert.Equal(created.Pid, started.Pid);
        Assert.Equal(3, ProcessWait.Wait(started.Pid).Code);
    }

    [Fact]
    public void DisposingAnUnstartedContainerKillsAndReapsIt()
    {
        _bundle.Write(RuntimeSpecDefaults.Create(["sh", "-c", "exit 0"]));
        var created = ContainerLauncher.Create(Request());

        created.Dispose();

        Assert.False(Directory.Exists($"/proc/{created.Pid}"));
    }

    private LaunchRequest Request() => new()
    {
        BundlePath = _bundle.BundlePath, StdinFd = 0, StdoutFd = 1, StderrFd = 2, InitPath = CtInit.Path,
    };

    [Fact]
    public void ConcurrentLaunchesDoNotCrossWires()
    {
        // Each launch's pipes must reach only its own ctinit: a report pipe leaked into a sibling would hold Start
        // until that sibling exits, and a leaked stdout would mix outputs.
        var bundles = Enumerable.Range(0, 6).Select(_ => new BusyboxBundle()).ToList();
        try
        {
            var results = new RunResult[bundles.Count];
            Parallel.For(0, bundles.Count, new ParallelOptions { MaxDegreeOfParallelism = bundles.Count }, i =>
                results[i] = ContainerRun.Run(bundles[i], BusyboxBundle.Shell($"echo container-{i}; exit {i}", hostname: $"host-{i}")));

            for (var i = 0; i < bundles.Count; i++)
            {
                Assert.Equal($"container-{i}\n", results[i].Stdout);
                Assert.Equal(i, results[i].Status.Code);
            }
        }
        finally
        {
            foreach (var bundle in bundles) bundle.Dispose();
        }
    }

    [Fact]
    public void TheLaunchingProcessKeepsItsNamespaces()
    {
        var before = Namespaces();

        ContainerRun.Run(_bundle, RuntimeSpecDefaults.Create(["true"]));

        Assert.Equal(before, Namespaces());
        // And it can still start threads (a thread left in a foreign pid namespace could not).
        var thread = new Thread(() => { });
        thread.Start();
        thread.Join();
    }

    private static string Namespaces() =>
        string.Join(' ', new[] { "mnt", "uts", "ipc", "net", "pid", "pid_for_children", "cgroup" }
            .Select(ns => new FileInfo($"/proc/self/ns/{ns}").LinkTarget));
}
