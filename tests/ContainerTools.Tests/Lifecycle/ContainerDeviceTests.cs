using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.Bundle;
using ContainerTools.Runtime.Containers.Devices;
using ContainerTools.Runtime.Containers.Exec;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Tests.Lifecycle;

/// <summary>
/// Issue 12's device hole, closed as Docker closes it: a container keeps CAP_MKNOD, but its device cgroup lets it open
/// only the standard nodes, -Device adds exactly the node given, -Privileged everything. Real containers, real kernel.
/// </summary>
public sealed class ContainerDeviceTests : IDisposable
{
    private const string NotPermitted = "Operation not permitted";
    private readonly ContainerHost _host = new();

    public void Dispose() => _host.Dispose();

    private (int Code, string Output) Run(string script, IReadOnlyList<string>? devices = null, bool privileged = false, bool tty = false)
    {
        var container = _host.Run(new ContainerCreateOptions
        {
            Image = "busybox", Command = ["sh", "-c", script], Devices = devices ?? [], Privileged = privileged, Tty = tty,
        });
        var code = _host.Store.Wait(container.Id, TimeSpan.FromSeconds(30));
        return (code ?? -1, _host.Output(container).Replace("\r\n", "\n"));
    }

    private static int Count(string text, string part) => text.Split(part).Length - 1;

    [Fact]
    public void ANodeMadeWithMknodCannotBeOpened()
    {
        // `true < node`: a failed redirection of a regular builtin does not end the shell. On this host the same kmsg
        // and loop0 nodes open outside a container (DeviceCgroupKernelTests shows it); mem, fuse and loop0 by number.
        var (code, output) = Run("""
            mknod /dev/lp0 b 7 0; echo mknod-block=$?
            true < /dev/lp0; echo open-block=$?
            mknod /dev/mem c 1 1; echo mknod-mem=$?
            true < /dev/mem; echo open-mem=$?
            mknod /dev/kmsg c 1 11; true < /dev/kmsg; echo open-kmsg=$?
            mknod /dev/fuse c 10 229; true <> /dev/fuse; echo open-fuse=$?
            grep CapEff /proc/self/status
            """);

        Assert.Equal(0, code);
        Assert.Contains("mknod-block=0\n", output);
        Assert.Contains("mknod-mem=0\n", output);
        Assert.Contains("open-block=1\n", output);
        Assert.Contains("open-mem=1\n", output);
        Assert.Contains("open-kmsg=1\n", output);
        Assert.Contains("open-fuse=1\n", output);
        Assert.Equal(4, Count(output, NotPermitted));
        Assert.Contains("can't open /dev/lp0: " + NotPermitted, output);
        // CAP_MKNOD is kept (bit 27 of Docker's a80425fb): the refusal is the device cgroup's, not a missing capability.
        Assert.Contains("CapEff:\t00000000a80425fb", output);
    }

    [Fact]
    public void TheStandardNodesOpen()
    {
        var (code, output) = Run("""
            echo discarded > /dev/null; echo null=$?
            echo zero=$(head -c 4 /dev/zero | wc -c) urandom=$(head -c 8 /dev/urandom | wc -c) random=$(head -c 8 /dev/random | wc -c)
            echo x > /dev/full; echo full=$?
            true < /dev/tty; echo tty=$?
            exec 3<>/dev/ptmx; echo ptmx=$?; ls /dev/pts
            """);

        Assert.Equal(0, code);
        Assert.Contains("null=0\n", output);
        Assert.Contains("zero=4 urandom=8 random=8\n", output);
        // Each opens; what fails is the device's own answer: a full disk, no controlling terminal.
        Assert.Contains("full=1\n", output);
        Assert.Contains("No space left on device", output);
        Assert.Contains("tty=1\n", output);
        Assert.Contains("No such device or address", output);
        Assert.Contains("ptmx=0\n0\nptmx\n", output);
        Assert.DoesNotContain(NotPermitted, output);
    }

    [Fact]
    public void ATtyContainerUsesItsTerminalThroughPtsAndDevTty()
    {
        var (code, output) = Run("tty; echo through-dev-tty > /dev/tty; true <> /dev/pts/0; echo pts=$?", tty: true);

        Assert.Equal(0, code);
        Assert.Contains("/dev/pts/0\nthrough-dev-tty\npts=0\n", output);
        Assert.DoesNotContain(NotPermitted, output);
    }

    [Fact]
    public void AnExecIsConfinedLikeTheContainer()
    {
        var container = _host.Run(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "300"] });

        using var process = _host.Store.Exec(container.Id, new ExecOptions
        {
            Command = ["sh", "-c", "mknod /tmp/lp0 b 7 0; echo mknod=$?; true < /tmp/lp0; echo open=$?; echo x > /dev/null; echo null=$?"],
        });
        var stderr = Task.Run(() => new StreamReader(process.StandardError).ReadToEnd());
        var output = new StreamReader(process.StandardOutput).ReadToEnd();
        Assert.Equal(0, process.WaitForExit());

        Assert.Equal("mknod=0\nopen=1\nnull=0\n", output);
        Assert.Contains(NotPermitted, stderr.Result);
    }

    [Fact]
    public void DeviceGivesExactlyThatNodeWithThosePermissions()
    {
        // /dev/fuse opens without a mount behind it; Docker refuses it unless asked.
        var (code, output) = Run("""
            ls -l /dev/fuse /dev/rfuse
            true <> /dev/fuse; echo fuse-rw=$?
            true < /dev/rfuse; echo rfuse-r=$?
            true <> /dev/rfuse; echo rfuse-rw=$?
            mknod /dev/loop0 b 7 0; true < /dev/loop0; echo loop0=$?
            """, devices: ["/dev/fuse", "/dev/fuse:/dev/rfuse:r"]);

        Assert.Equal(0, code);
        Assert.Matches(@"crw------- +1 root +root +10, +229 .* /dev/fuse\n", output);
        Assert.Matches(@"crw------- +1 root +root +10, +229 .* /dev/rfuse\n", output);
        Assert.Contains("fuse-rw=0\n", output);
        Assert.Contains("rfuse-r=0\n", output);
        // One major:minor, two rules: rwm and r merge into rwm, as the kernel merges them.
        Assert.Contains("rfuse-rw=0\n", output);
        Assert.Contains("loop0=1\n", output);
        Assert.Equal(1, Count(output, NotPermitted));
    }

    [Fact]
    public void DevicePermissionsAreEnforced()
    {
        var (code, output) = Run("true < /dev/fuse; echo r=$?; true <> /dev/fuse; echo rw=$?; echo x > /dev/fuse; echo w=$?",
            devices: ["/dev/fuse:r"]);

        Assert.Equal(0, code);
        // stdout and stderr are separate streams: the shell's complaint may come before or after the echo.
        Assert.Contains("r=0\n", output);
        Assert.Contains("rw=1\n", output);
        Assert.Contains("w=1\n", output);
        Assert.Equal(2, Count(output, NotPermitted));
    }

    [Fact]
    public void PrivilegedSeesAndOpensEveryHostDevice()
    {
        var (code, output) = Run("""
            true < /dev/loop0; echo loop0=$?
            true <> /dev/fuse; echo fuse=$?
            mknod /dev/lc c 10 237; true <> /dev/lc; echo loop-control=$?
            readlink /dev/ptmx; test -e /dev/console; echo console=$?
            """, privileged: true);

        Assert.Equal(0, code);
        Assert.Contains("loop0=0\n", output);
        Assert.Contains("fuse=0\n", output);
        Assert.Contains("loop-control=0\n", output);
        // The container's own ptmx and no console, as runc leaves them.
        Assert.Contains("pts/ptmx\nconsole=1\n", output);
        Assert.DoesNotContain(NotPermitted, output);
    }

    [Fact]
    public void TheBundleCarriesDockersRulesThenTheDevices()
    {
        var created = _host.Store.Create(new ContainerCreateOptions { Image = "busybox", Command = ["true"], Devices = ["/dev/fuse:/dev/fuse:rw"] });

        var spec = BundleReader.Read(created.Paths.BundleDirectory);

        Assert.Equal([.. RuntimeSpecDefaults.DeviceRules, new DeviceCgroupSpec { Allow = true, Type = "c", Major = 10, Minor = 229, Access = "rw" }],
            spec.Linux.Resources!.Devices!);
        var node = Assert.Single(spec.Linux.Devices!);
        Assert.Equal(("/dev/fuse", "c", 10L, 229L, 0x180u), (node.Path, node.Type, node.Major, node.Minor, node.FileMode!.Value));
        Assert.Equal([new DeviceMapping { PathOnHost = "/dev/fuse", PathInContainer = "/dev/fuse", CgroupPermissions = "rw" }], created.Definition.Devices);
    }

    [Fact]
    public void TheContainersDeviceCgroupGoesWithIt()
    {
        var container = _host.Run("sleep", "300");
        var host = CgroupHost.Default;
        var controller = host.Version == CgroupVersion.V2 ? "" : "devices";
        var directory = Path.Combine(host.OwnCgroupDirectory(controller), Cgroup.DefaultGroupDirectory, container.Id);
        Assert.Equal(directory, _host.Store.Resolve(container.Id).State.Cgroup?.Directories[controller]);
        Assert.Contains(container.State.Pid, Cgroup.Open(container.State.Cgroup!).Pids());

        _host.Store.Stop(container.Id, TimeSpan.Zero);

        Assert.False(Directory.Exists(directory));
    }

    [Theory]
    [InlineData("dev/fuse", "InvalidDeviceMapping", "not absolute")]
    [InlineData("/dev/fuse:/dev/fuse:rwx", "InvalidDeviceMapping", "'rwx' is not a combination of r, w and m")]
    [InlineData("/dev/fuse:/etc/fuse", "InvalidDeviceMapping", "not under /dev")]
    [InlineData("/dev/fuse:/dev/fuse:rw:x", "InvalidDeviceMapping", "HOST_PATH[:CONTAINER_PATH][:PERMISSIONS]")]
    [InlineData("/dev/ct-no-such-device", "DeviceNotFound", "No such file or directory")]
    [InlineData("/etc/hostname:/dev/hostname", "DeviceNotFound", "not a device node")]
    public void ABadDeviceIsAClearErrorAtCreateAndLeavesNothing(string device, string errorId, string reason)
    {
        var ex = Assert.Throws<ContainerToolsException>(() =>
            _host.Store.Create(new ContainerCreateOptions { Image = "busybox", Command = ["true"], Devices = [device] }));

        Assert.Equal(errorId, ex.ErrorId);
        Assert.Contains(reason, ex.Message);
        Assert.Empty(_host.Store.List());
    }
}
