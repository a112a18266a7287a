using ContainerTools.OciRuntime.Seccomp;
using ContainerTools.OciRuntime.Spec;
using ContainerTools.Tests.Runtime;

namespace ContainerTools.Tests.Confinement;

/// <summary>
/// ctinit and linux.seccomp without the engine, as another runtime front end (ctrun) hands it a bundle: no
/// precompiled seccomp.bpf, so ctinit compiles with libseccomp itself (after pivot_root, from the library it mapped
/// before); and a seccomp.bpf compiled from other text is never loaded.
/// </summary>
public sealed class SeccompInitTests : IDisposable
{
    private readonly BusyboxBundle _bundle = new();

    public void Dispose() => _bundle.Dispose();

    private static SeccompSpec DenyMkdir(uint errno) => new()
    {
        DefaultAction = "SCMP_ACT_ALLOW",
        Syscalls = [new SeccompSyscallSpec { Names = ["mkdir", "mkdirat"], Action = "SCMP_ACT_ERRNO", ErrnoRet = errno }],
    };

    private static RuntimeSpec Spec(SeccompSpec seccomp, bool noNewPrivileges)
    {
        var spec = BusyboxBundle.Shell("grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status; mkdir /tmp/made; echo mkdir=$?");
        return spec with { Process = spec.Process with { NoNewPrivileges = noNewPrivileges }, Linux = spec.Linux with { Seccomp = seccomp } };
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CtinitCompilesTheSectionItselfWithOrWithoutNoNewPrivileges(bool noNewPrivileges)
    {
        var result = ContainerRun.Run(_bundle, Spec(DenyMkdir(13), noNewPrivileges));

        Assert.Contains("Seccomp:\t2", result.Lines);
        Assert.Contains($"NoNewPrivs:\t{(noNewPrivileges ? 1 : 0)}", result.Lines);
        Assert.Contains("mkdir=1", result.Lines);
        Assert.Contains("Permission denied", result.Stderr);
    }

    [Fact]
    public void AProgramCompiledFromOtherTextIsNotLoaded()
    {
        // A seccomp.bpf that would answer mkdir with EACCES, beside a config.json that asks for ENOSPC.
        var stale = DenyMkdir(13);
        File.WriteAllBytes(Path.Combine(_bundle.BundlePath, CompiledSeccomp.FileName), CompiledSeccomp.Encode("{\"other\": true}"u8, SeccompFilter.Compile(stale)));

        var result = ContainerRun.Run(_bundle, Spec(DenyMkdir(28), noNewPrivileges: false));

        Assert.Contains("mkdir=1", result.Lines);
        Assert.Contains("No space left on device", result.Stderr);
        Assert.DoesNotContain("Permission denied", result.Stderr);
    }

    [Fact]
    public void AMatchingProgramIsTheOneLoaded()
    {
        // The program for EACCES under the text of the ENOSPC section: whichever answers shows which one ctinit used.
        var spec = Spec(DenyMkdir(28), noNewPrivileges: false);
        _bundle.Write(spec);
        var text = RuntimeSpecReader.ReadSeccompSource(File.ReadAllBytes(Path.Combine(_bundle.BundlePath, "config.json")))!;
        File.WriteAllBytes(Path.Combine(_bundle.BundlePath, CompiledSeccomp.FileName), CompiledSeccomp.Encode(text, SeccompFilter.Compile(DenyMkdir(13))));

        var result = ContainerRun.Run(_bundle, spec);

        Assert.Contains("Permission denied", result.Stderr);
    }

    [Fact]
    public void AnAddressSpaceLimitBelowWhatCtinitHasMappedDoesNotStopTheFilter()
    {
        // runtime-tools' process_rlimits: RLIMIT_AS of 1 GB, far below a .NET process's reservations. ctinit compiles
        // the filter before any limit applies and sets the limits as late as its privileges allow.
        var spec = Spec(DenyMkdir(13), noNewPrivileges: false);
        spec = spec with { Process = spec.Process with { Rlimits = [new RlimitSpec { Type = "RLIMIT_AS", Soft = 1UL << 30, Hard = 2UL << 30 }] } };

        var result = ContainerRun.Run(_bundle, spec);

        Assert.Contains("Seccomp:\t2", result.Lines);
        Assert.Contains("mkdir=1", result.Lines);
    }

    [Fact]
    public void ConditionsOnTheSameArgumentAreAlternatives()
    {
        // The shape of runtime-tools' default profile (personality for 0, 8 or 0xffffffff), here as a denial so both
        // values show: linux32 asks for PER_LINUX32 (8), linux64 for PER_LINUX (0); any other value stays allowed.
        var seccomp = new SeccompSpec
        {
            DefaultAction = "SCMP_ACT_ALLOW",
            Syscalls =
            [
                new SeccompSyscallSpec
                {
                    Names = ["personality"],
                    Action = "SCMP_ACT_ERRNO",
                    ErrnoRet = 1,
                    Args =
                    [
                        new SeccompArgSpec { Index = 0, Value = 0x0, Op = "SCMP_CMP_EQ" },
                        new SeccompArgSpec { Index = 0, Value = 0x8, Op = "SCMP_CMP_EQ" },
                        new SeccompArgSpec { Index = 0, Value = 0xffffffff, Op = "SCMP_CMP_EQ" },
                    ],
                },
            ],
        };
        var spec = BusyboxBundle.Shell("linux32 true; echo linux32=$?; linux64 true; echo linux64=$?; uname -m; echo uname=$?");
        spec = spec with { Linux = spec.Linux with { Seccomp = seccomp } };

        var result = ContainerRun.Run(_bundle, spec);

        Assert.Contains("linux32=1", result.Lines);
        Assert.Contains("linux64=1", result.Lines);
        Assert.Contains("uname=0", result.Lines);
    }

    [Fact]
    public void CtinitRefusesASysctlOfTheHostWhoeverWroteTheSpec()
    {
        var spec = BusyboxBundle.Shell("true");
        spec = spec with { Linux = spec.Linux with { Sysctl = new Dictionary<string, string> { ["kernel.panic"] = "0" } } };

        var error = Assert.Throws<ContainerTools.OciRuntime.Errors.ContainerToolsException>(() => ContainerRun.Run(_bundle, spec));

        Assert.Contains("kernel.panic", error.Message);
        Assert.Contains("would change the host", error.Message);
    }
}
