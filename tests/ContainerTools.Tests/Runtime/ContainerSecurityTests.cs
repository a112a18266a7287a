using ContainerTools.Runtime.Containers.Bundle;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Tests.Runtime;

/// <summary>Docker's default confinement, checked from inside a real container.</summary>
public sealed class ContainerSecurityTests : IDisposable
{
    private readonly BusyboxBundle _bundle = new();

    public void Dispose() => _bundle.Dispose();

    private static Dictionary<string, string> Status(RunResult result) =>
        result.Lines.Where(line => line.Contains(':')).Select(line => line.Split(':', 2))
            .ToDictionary(parts => parts[0], parts => parts[1].Trim());

    [Fact]
    public void RootGetsDockersCapabilitiesNoNoNewPrivilegesAndDefaultSignals()
    {
        // A child of sh: busybox sh itself ignores SIGQUIT, and would pass that on if it exec'd cat in its place.
        var status = Status(ContainerRun.Run(_bundle, BusyboxBundle.Shell("cat /proc/self/status; exit 0")));

        Assert.Equal("00000000a80425fb", status["CapEff"]);
        Assert.Equal("00000000a80425fb", status["CapPrm"]);
        Assert.Equal("00000000a80425fb", status["CapBnd"]);
        Assert.Equal("0000000000000000", status["CapInh"]);
        Assert.Equal("0000000000000000", status["CapAmb"]);
        Assert.Equal("0", status["NoNewPrivs"]); // Docker's default: setuid programs work inside
        // The CLR ignores SIGPIPE; that must not leak into the container through execve.
        Assert.Equal("0000000000000000", status["SigIgn"]);
        Assert.Equal("0000000000000000", status["SigBlk"]);
    }

    [Fact]
    public void MaskedPathsShowNothing()
    {
        var result = ContainerRun.Run(_bundle, BusyboxBundle.Shell(
            "echo kcore=$(cat /proc/kcore | wc -c); echo keys=$(cat /proc/keys | wc -c); echo firmware=$(ls -A /sys/firmware | wc -l)"));

        Assert.Contains("kcore=0", result.Lines);
        Assert.Contains("keys=0", result.Lines);
        Assert.Contains("firmware=0", result.Lines);
    }

    [Fact]
    public void ProcSysAndSysAreReadOnly()
    {
        // domainname is per UTS namespace: even if the write went through, the host would not notice.
        var result = ContainerRun.Run(_bundle, BusyboxBundle.Shell(
            "echo x > /proc/sys/kernel/domainname; echo proc=$?; touch /sys/ct-test; echo sys=$?; touch /tmp/ok; echo rootfs=$?"));

        Assert.Contains("proc=1", result.Lines);
        Assert.Contains("sys=1", result.Lines);
        Assert.Contains("rootfs=0", result.Lines);
        Assert.Contains("Read-only file system", result.Stderr);
    }

    [Fact]
    public void ReadonlyRootRefusesWrites()
    {
        var spec = BusyboxBundle.Shell("touch /tmp/file; echo rc=$?") with { Root = new RootSpec { Path = "rootfs", Readonly = true } };

        var result = ContainerRun.Run(_bundle, spec);

        Assert.Contains("rc=1", result.Lines);
        Assert.False(File.Exists(Path.Combine(_bundle.RootfsPath, "tmp", "file")));
    }

    [Fact]
    public void UserAndGroupsAreSwitchedAndANonRootUserHasNoCapabilities()
    {
        var spec = BusyboxBundle.Shell("id; grep CapEff /proc/self/status");
        spec = spec with { Process = spec.Process with { User = new UserSpec { Uid = 1000, Gid = 1000, AdditionalGids = [10] } } };

        var result = ContainerRun.Run(_bundle, spec);

        Assert.StartsWith("uid=1000(user) gid=1000(user) groups=", result.Lines[0]);
        Assert.Contains("10(wheel)", result.Lines[0]);
        Assert.Equal("CapEff:\t0000000000000000", result.Lines[1]);
    }

    [Fact]
    public void OnlyStdioReachesTheContainerEvenWhenTheLauncherLeaksDescriptors()
    {
        // A descriptor without close-on-exec in the launching process, as a careless library might leave.
        var (leakRead, leakWrite) = FileDescriptors.Pipe();
        var leaked = FileDescriptors.DuplicateCloseOnExec(leakWrite, 3);
        FileDescriptors.Close(leakWrite);
        try
        {
            ClearCloseOnExec(leaked);
            var result = ContainerRun.Run(_bundle, BusyboxBundle.Shell("ls /proc/self/fd"));

            // 0-2, and 3: the directory ls is reading.
            Assert.Equal(["0", "1", "2", "3"], result.Lines);
        }
        finally
        {
            FileDescriptors.Close(leakRead);
            FileDescriptors.Close(leaked);
        }
    }

    private static void ClearCloseOnExec(int fd)
    {
        if (Tmds.Linux.LibC.fcntl(fd, 2 /* F_SETFD */, 0) != 0) throw new InvalidOperationException("fcntl failed");
    }

    [Fact]
    public void TheHostInitBinaryIsNotReachableFromTheContainer()
    {
        var result = ContainerRun.Run(_bundle, BusyboxBundle.Shell("ls -l /proc/1/exe"));

        Assert.EndsWith("/bin/busybox", result.Stdout.Trim());
        Assert.DoesNotContain("ctinit", result.Stdout);
    }
}
