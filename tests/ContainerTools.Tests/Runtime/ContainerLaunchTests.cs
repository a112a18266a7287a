using ContainerTools.Runtime.Containers.Bundle;
using ContainerTools.Runtime.Containers.Launch;
using ContainerTools.Runtime.Errors;

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
    public void AMissingRootfsIsAClearError()
    {
        Directory.Delete(_bundle.RootfsPath, recursive: true);

        var error = Assert.Throws<ContainerToolsException>(() => ContainerRun.Run(_bundle, RuntimeSpecDefaults.Create(["true"])));

        Assert.Equal("ContainerStartFailed", error.ErrorId);
        Assert.Contains("rootfs", error.Message);
    }

    [Fact]
    public void ABundleWithoutConfigIsNotFound()
    {
        var error = Assert.Throws<ContainerToolsException>(() => ContainerLauncher.Start(new LaunchRequest
        {
            BundlePath = _bundle.BundlePath, StdinFd = 0, StdoutFd = 1, StderrFd = 2, InitPath = CtInit.Path,
        }));

        Assert.Equal("BundleNotFound", error.ErrorId);
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
