using ContainerTools.Runtime.Containers.Bundle;

namespace ContainerTools.Tests.Runtime;

/// <summary>What a process sees from inside a container started by ContainerLauncher.</summary>
public sealed class ContainerIsolationTests : IDisposable
{
    private readonly BusyboxBundle _bundle = new();

    public void Dispose() => _bundle.Dispose();

    [Fact]
    public void TheProgramIsPid1AndSeesOnlyItsOwnProcesses()
    {
        var result = ContainerRun.Run(_bundle, BusyboxBundle.Shell("echo $$; ls /proc | grep -E '^[0-9]+$'"));

        Assert.Equal(0, result.Status.Code);
        Assert.Equal("1", result.Lines[0]);
        var pids = result.Lines.Skip(1).Select(int.Parse).ToList();
        Assert.Contains(1, pids);
        // sh, and the ls and grep it started: nothing of the host's hundreds of processes.
        Assert.InRange(pids.Count, 1, 3);
        Assert.All(pids, pid => Assert.InRange(pid, 1, 10));
    }

    [Fact]
    public void HostnameIsTheSpecs()
    {
        var result = ContainerRun.Run(_bundle, BusyboxBundle.Shell("hostname", hostname: "inside-ct"));

        Assert.Equal("inside-ct", result.Stdout.Trim());
        Assert.NotEqual("inside-ct", Environment.MachineName);
    }

    [Fact]
    public void MountinfoShowsOnlyTheContainersMounts()
    {
        var result = ContainerRun.Run(_bundle, BusyboxBundle.Shell("cat /proc/self/mountinfo"));

        var mountPoints = result.Lines.Select(line => line.Split(' ')[4]).ToList();
        var expected = new HashSet<string> { "/", "/proc", "/dev", "/dev/pts", "/sys", "/dev/mqueue", "/dev/shm", "/sys/fs/cgroup" };
        expected.UnionWith(RuntimeSpecDefaults.MaskedPaths);
        expected.UnionWith(RuntimeSpecDefaults.ReadonlyPaths);
        Assert.Equal("/", mountPoints[0]);
        Assert.All(mountPoints.Where(point => !point.StartsWith("/sys/fs/cgroup/")), point => Assert.Contains(point, expected));
        Assert.Contains("/dev/pts", mountPoints);
        // The root is the bundle's rootfs, not the host's /.
        Assert.Contains(_bundle.RootfsPath, result.Lines[0]);
    }

    [Fact]
    public void DevHasTheStandardNodesAndLinks()
    {
        var result = ContainerRun.Run(_bundle, BusyboxBundle.Shell(
            "echo x > /dev/null && head -c 4 /dev/zero | wc -c; ls /dev; ls -l /dev/ptmx /dev/fd"));

        Assert.Equal(0, result.Status.Code);
        Assert.Equal("4", result.Lines[0].Trim());
        foreach (var node in new[] { "null", "zero", "full", "random", "urandom", "tty", "pts", "shm", "mqueue" })
            Assert.Contains(node, result.Lines);
        Assert.Contains(result.Lines, line => line.Contains("/dev/ptmx -> pts/ptmx"));
        Assert.Contains(result.Lines, line => line.Contains("/dev/fd -> /proc/self/fd"));
    }

    [Fact]
    public void EnvironmentAndWorkingDirectoryAreTheSpecs()
    {
        var spec = RuntimeSpecDefaults.Create(["sh", "-c", "echo $GREETING; pwd; env | grep -c ."],
            env: ["PATH=/bin", "GREETING=hello from the spec"], cwd: "/work/dir");

        var result = ContainerRun.Run(_bundle, spec);

        Assert.Equal("hello from the spec", result.Lines[0]);
        Assert.Equal("/work/dir", result.Lines[1]);
        Assert.True(Directory.Exists(Path.Combine(_bundle.RootfsPath, "work", "dir")));
    }
}
