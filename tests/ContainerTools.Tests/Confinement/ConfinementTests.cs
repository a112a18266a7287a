using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.Exec;
using ContainerTools.Runtime.Security;
using ContainerTools.Tests.Lifecycle;

namespace ContainerTools.Tests.Confinement;

/// <summary>
/// Issue 12's seccomp filter and switches, probed from inside real busybox containers: the syscalls Docker's profile
/// denies fail with its errno (and succeed without the filter, so the probe can tell), capabilities read from
/// /proc/self/status, the release_agent escape, exec, and the create-time refusals.
/// </summary>
public sealed class ConfinementTests : IDisposable
{
    private readonly ContainerHost _host = new();
    private readonly SyscallProbe _probe = new();

    public void Dispose()
    {
        _host.Dispose();
        _probe.Dispose();
    }

    private ContainerCreateOptions Options(string script, ConfinementOptions? confinement = null, bool privileged = false) => new()
    {
        Image = "busybox",
        Command = ["sh", "-c", script],
        Volumes = [_probe.Directory + ":/probe:ro"],
        Confinement = confinement ?? new ConfinementOptions(),
        Privileged = privileged,
        Network = "none",
    };

    private (int Code, string Output) Run(string script, ConfinementOptions? confinement = null, bool privileged = false)
    {
        var container = _host.Run(Options(script, confinement, privileged));
        var code = _host.Store.Wait(container.Id, TimeSpan.FromSeconds(60));
        return (code ?? -1, _host.Output(container).Replace("\r\n", "\n"));
    }

    private static string Status(string output, string field) =>
        output.Split('\n').Single(line => line.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim();

    [Fact]
    public void TheDefaultProfileDeniesWhatDockersDeniesWithItsErrno()
    {
        var (code, output) = Run("grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status; /probe/probe");
        var results = SyscallProbe.Results(output);

        Assert.Equal(0, code);
        Assert.Equal("2", Status(output, "Seccomp"));
        Assert.Equal("0", Status(output, "NoNewPrivs"));
        foreach (var (name, errno) in SyscallProbe.DeniedByDocker) Assert.True(results[name] == errno, $"{name}: {results[name]}, expected {errno}\n{output}");
        Assert.Equal("OK", results["getpid"]);
        Assert.Equal("OK", results["chroot_dot"]); // CAP_SYS_CHROOT is Docker's, so chroot is allowed
    }

    [Fact]
    public void UnconfinedHasNoFilterAndTheSameProbeGetsThrough()
    {
        var (_, output) = Run("grep '^Seccomp:' /proc/self/status; /probe/probe", new ConfinementOptions { SecurityOptions = ["seccomp=unconfined"] });
        var results = SyscallProbe.Results(output);

        Assert.Equal("0", Status(output, "Seccomp"));
        // What only the filter refused: a user namespace needs no capability, clone3 and keyctl reach the kernel.
        Assert.Equal("OK", results["unshare_user"]);
        Assert.Equal("OK", results["clone_newuser"]);
        Assert.Equal("OK", results["keyctl"]);
        Assert.Equal("EINVAL", results["clone3"]);
    }

    [Fact]
    public void CapSysAdminBringsTheSyscallsTheProfileGivesIt()
    {
        var (_, output) = Run("/probe/probe", new ConfinementOptions { CapabilityAdd = ["sys_admin"] });
        var results = SyscallProbe.Results(output);

        Assert.Equal("OK", results["unshare_mount"]);
        Assert.Equal("ENOENT", results["mount"]); // through the filter, to the kernel's missing mount point
        Assert.Equal("EINVAL", results["clone3"]); // the ENOSYS rule is excluded with CAP_SYS_ADMIN
        Assert.Equal("EPERM", results["kexec_load"]);
    }

    [Fact]
    public void AnExecGetsTheContainersFilter()
    {
        var container = _host.Run(Options("sleep 60"));
        using var process = _host.Store.Exec(container.Id, new ExecOptions { Command = ["sh", "-c", "grep '^Seccomp:' /proc/self/status; /probe/probe"] });
        var output = new StreamReader(process.StandardOutput).ReadToEnd();
        Assert.Equal(0, process.WaitForExit());
        var results = SyscallProbe.Results(output);

        Assert.Equal("2", Status(output, "Seccomp"));
        Assert.Equal("EPERM", results["unshare_user"]);
        Assert.Equal("ENOSYS", results["clone3"]);
    }

    [Fact]
    public void AnExecWithoutTheContainersPrecompiledFilterCompilesTheSectionItself()
    {
        var container = _host.Run(Options("sleep 60"));
        // The section's rules reach ctinit only as the text beside the spec: that text is what it must compile.
        File.Delete(Path.Combine(container.Paths.BundleDirectory, OciRuntime.Seccomp.CompiledSeccomp.FileName));
        using var process = _host.Store.Exec(container.Id, new ExecOptions { Command = ["sh", "-c", "grep '^Seccomp:' /proc/self/status; /probe/probe"] });
        var output = new StreamReader(process.StandardOutput).ReadToEnd();
        Assert.Equal(0, process.WaitForExit());
        var results = SyscallProbe.Results(output);

        Assert.Equal("2", Status(output, "Seccomp"));
        Assert.Equal("EPERM", results["unshare_user"]);
        Assert.Equal("ENOSYS", results["clone3"]);
    }

    [Fact]
    public void TheReleaseAgentEscapeFails()
    {
        // CVE-2022-0492: the namespaces it needs are refused, and the container's own cgroup mounts are read-only.
        var (_, output) = Run("/probe/probe escape; for f in /sys/fs/cgroup/*/release_agent; do [ -e \"$f\" ] && { echo x > \"$f\" && echo wrote=$f; }; done; echo done");

        Assert.Contains("escape_unshare=EPERM", output);
        Assert.DoesNotContain("wrote=", output);
        Assert.Contains("done", output);
    }

    [Fact]
    public void ACustomProfileIsObeyedAndItsErrnoReturned()
    {
        var profile = Path.Combine(_probe.Directory, "deny-mkdir.json");
        File.WriteAllText(profile, """
            { "defaultAction": "SCMP_ACT_ALLOW",
              "syscalls": [ { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13 } ] }
            """);

        var (_, output) = Run("mkdir /tmp/x; echo mkdir=$?; /probe/probe", new ConfinementOptions { SecurityOptions = ["seccomp=" + profile] });

        Assert.Contains("mkdir=1", output);
        Assert.Contains("Permission denied", output);
        Assert.Equal("OK", SyscallProbe.Results(output)["unshare_user"]); // everything else allowed
    }

    [Theory]
    [InlineData("{ \"defaultAction\": \"SCMP_ACT_NOPE\" }", "defaultAction SCMP_ACT_NOPE")]
    [InlineData("{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ { \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [ { \"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_ROUGHLY\" } ] } ] }", "SCMP_CMP_ROUGHLY")]
    [InlineData("{ \"defaultAction\": ", "not valid")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_NOPE\"] }", "SCMP_ARCH_NOPE")]
    public void AMalformedProfileIsRefusedAtCreate(string json, string reason)
    {
        var profile = Path.Combine(_probe.Directory, "bad.json");
        File.WriteAllText(profile, json);

        var error = Assert.Throws<ContainerToolsException>(() => _host.Store.Create(Options("true", new ConfinementOptions { SecurityOptions = ["seccomp=" + profile] })));

        Assert.Equal(ErrorIds.SeccompProfileInvalid, error.Id);
        Assert.Contains(reason, error.Message);
        Assert.Empty(_host.Store.List());
    }

    [Fact]
    public void CapabilitiesAreAddedAndDroppedInAllFiveSets()
    {
        var (_, output) = Run("grep ^Cap /proc/self/status", new ConfinementOptions { CapabilityAdd = ["NET_ADMIN", "CAP_SYS_TIME"], CapabilityDrop = ["chown", "CAP_MKNOD"] });

        // Docker's a80425fb + NET_ADMIN (12) + SYS_TIME (25) - CHOWN (0) - MKNOD (27).
        foreach (var set in new[] { "CapEff", "CapPrm", "CapBnd" }) Assert.Equal("00000000a20435fa", Status(output, set));
        Assert.Equal("0000000000000000", Status(output, "CapInh"));
        Assert.Equal("0000000000000000", Status(output, "CapAmb"));
    }

    [Fact]
    public void DropAllKeepsOnlyWhatIsAdded()
    {
        var (_, output) = Run("grep ^CapEff /proc/self/status; chown 1 /tmp; echo chown=$?", new ConfinementOptions { CapabilityDrop = ["ALL"], CapabilityAdd = ["KILL"] });

        Assert.Equal("0000000000000020", Status(output, "CapEff"));
        Assert.Contains("chown=1", output);
    }

    [Fact]
    public void NoNewPrivilegesIsOffByDefaultAndOnWhenAsked()
    {
        Assert.Equal("1", Status(Run("grep ^NoNewPrivs /proc/self/status", new ConfinementOptions { SecurityOptions = ["no-new-privileges"] }).Output, "NoNewPrivs"));
        Assert.Equal("0", Status(Run("grep ^NoNewPrivs /proc/self/status", new ConfinementOptions { SecurityOptions = ["no-new-privileges=false"] }).Output, "NoNewPrivs"));
    }

    [Fact]
    public void ASetuidProgramWorksUnlessNoNewPrivilegesIsSet()
    {
        var options = Options("/probe/probe-setuid euid") with { User = "1000" };
        var plain = _host.Run(options);
        _host.Store.Wait(plain.Id, TimeSpan.FromSeconds(60));
        var confined = _host.Run(options with { Confinement = new ConfinementOptions { SecurityOptions = ["no-new-privileges"] } });
        _host.Store.Wait(confined.Id, TimeSpan.FromSeconds(60));

        // As su and ping need, by default (Docker's); no_new_privs keeps the caller's ids across execve.
        Assert.Equal("uid=1000 euid=0", _host.Output(plain).Trim());
        Assert.Equal("uid=1000 euid=1000", _host.Output(confined).Trim());
    }

    [Fact]
    public void PrivilegedHasEveryCapabilityNoFilterNoMaskedPathsAndWritableProcSys()
    {
        var (_, output) = Run("""
            grep -E '^(CapEff|Seccomp):' /proc/self/status
            echo masked=$(grep -c ' /proc/kcore ' /proc/self/mountinfo)
            echo ct > /proc/sys/kernel/domainname && echo domainname=$(cat /proc/sys/kernel/domainname)
            touch /sys/fs/cgroup 2>/dev/null; grep ' /sys ' /proc/self/mountinfo | grep -q ' rw,' && echo sys=rw
            """, privileged: true);

        Assert.Equal(OwnBoundingSet(), Status(output, "CapEff"));
        Assert.Equal("0", Status(output, "Seccomp"));
        Assert.Contains("masked=0", output);
        Assert.Contains("domainname=ct", output);
        Assert.Contains("sys=rw", output);
    }

    private static string OwnBoundingSet() =>
        File.ReadLines("/proc/self/status").Single(l => l.StartsWith("CapBnd:", StringComparison.Ordinal))["CapBnd:".Length..].Trim();

    [Fact]
    public void UlimitSysctlOomScoreShmSizeAndGroupsApply()
    {
        var (_, output) = Run(
            "echo nofile=$(ulimit -n):$(ulimit -Hn); echo port=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start); echo oom=$(cat /proc/self/oom_score_adj); " +
            "grep ' /dev/shm ' /proc/mounts; grep ^Groups /proc/self/status",
            new ConfinementOptions
            {
                Ulimits = ["nofile=1024:2048"],
                Sysctls = ["net.ipv4.ip_unprivileged_port_start=0"],
                OomScoreAdjust = 500,
                ShmSize = 128L << 20,
                GroupAdd = ["10", "nogroup"],
            });

        Assert.Contains("nofile=1024:2048", output);
        Assert.Contains("port=0", output);
        Assert.Contains("oom=500", output);
        Assert.Contains("size=131072k", output);
        Assert.Equal("10 65534", Status(output, "Groups"));
    }

    [Theory]
    [InlineData("kernel.hostname=x", "none")]
    [InlineData("vm.swappiness=10", "none")]
    [InlineData("net.ipv4.ip_forward=1", "host")]
    [InlineData("nonsense", "none")]
    public void AHostWideSysctlIsRefusedAtCreate(string sysctl, string network)
    {
        var error = Assert.Throws<ContainerToolsException>(() => _host.Store.Create(Options("true", new ConfinementOptions { Sysctls = [sysctl] }) with { Network = network }));

        Assert.Equal(ErrorIds.InvalidSysctl, error.Id);
        Assert.Empty(_host.Store.List());
    }

    [Theory]
    [InlineData("seccomp")]
    [InlineData("apparmor=unconfined")]
    [InlineData("no-new-privileges=maybe")]
    [InlineData("whatever")]
    public void AnUnknownSecurityOptionIsRefused(string option)
    {
        var error = Assert.Throws<ContainerToolsException>(() => _host.Store.Create(Options("true", new ConfinementOptions { SecurityOptions = [option] })));
        Assert.Equal(ErrorIds.InvalidSecurityOption, error.Id);
    }

    [Theory]
    [InlineData("nofile")]
    [InlineData("nofile=2048:1024")]
    [InlineData("files=10")]
    [InlineData("nofile=ten")]
    public void AMalformedUlimitIsRefused(string ulimit)
    {
        var error = Assert.Throws<ContainerToolsException>(() => _host.Store.Create(Options("true", new ConfinementOptions { Ulimits = [ulimit] })));
        Assert.Equal(ErrorIds.InvalidUlimit, error.Id);
    }

    [Fact]
    public void AnUnknownCapabilityIsRefused()
    {
        var error = Assert.Throws<ContainerToolsException>(() => _host.Store.Create(Options("true", new ConfinementOptions { CapabilityAdd = ["CAP_TELEPORT"] })));
        Assert.Equal(ErrorIds.InvalidCapability, error.Id);
    }
}
