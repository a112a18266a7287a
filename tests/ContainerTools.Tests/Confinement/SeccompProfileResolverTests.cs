using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Containers.Bundle;
using ContainerTools.Runtime.Security.Seccomp;

namespace ContainerTools.Tests.Confinement;

/// <summary>moby's default profile resolved as moby resolves it: by capabilities, architecture and kernel, then made minimal.</summary>
public sealed class SeccompProfileResolverTests
{
    private static readonly Version Kernel = new(6, 18);

    private static HashSet<string> Allowed(IReadOnlyList<string> caps, string arch = "amd64") =>
        SeccompProfileResolver.Resolve(SeccompProfile.Default, caps, arch, Kernel).Syscalls!
            .Where(r => r.Action == "SCMP_ACT_ALLOW" && r.Args is null).SelectMany(r => r.Names).ToHashSet();

    [Fact]
    public void DockersCapabilitiesGetNoMountNamespaceOrModuleCalls()
    {
        var allowed = Allowed(RuntimeSpecDefaults.Capabilities);

        Assert.Contains("read", allowed);
        Assert.Contains("chroot", allowed); // CAP_SYS_CHROOT is Docker's
        Assert.Contains("ptrace", allowed); // kernel >= 4.8
        foreach (var name in new[] { "mount", "unshare", "setns", "bpf", "init_module", "clone", "clone3", "reboot", "keyctl" }) Assert.DoesNotContain(name, allowed);
    }

    [Fact]
    public void CapSysAdminBringsItsCallsAndDropsTheClone3Refusal()
    {
        var resolved = SeccompProfileResolver.Resolve(SeccompProfile.Default, [.. RuntimeSpecDefaults.Capabilities, "CAP_SYS_ADMIN"], "amd64", Kernel);
        var allowed = resolved.Syscalls!.Where(r => r.Action == "SCMP_ACT_ALLOW" && r.Args is null).SelectMany(r => r.Names).ToHashSet();

        Assert.Contains("mount", allowed);
        Assert.Contains("unshare", allowed);
        Assert.DoesNotContain(resolved.Syscalls!, r => r.Names.Contains("clone3") && r.Action == "SCMP_ACT_ERRNO");
    }

    [Fact]
    public void TheResolvedFilterIsMinimalAndKeepsArgumentRulesAndErrnos()
    {
        var resolved = SeccompProfileResolver.Resolve(SeccompProfile.Default, RuntimeSpecDefaults.Capabilities, "amd64", Kernel);

        Assert.Equal(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], resolved.Architectures);
        Assert.Equal("SCMP_ACT_ERRNO", resolved.DefaultAction);
        Assert.Equal(1u, resolved.DefaultErrnoRet);
        // One rule per distinct action/errno/arguments: the plain allow list, socket x3, personality x5, clone, clone3.
        Assert.Single(resolved.Syscalls!, r => r.Action == "SCMP_ACT_ALLOW" && r.Args is null);
        var clone3 = Assert.Single(resolved.Syscalls!, r => r.Names.Contains("clone3"));
        Assert.Equal(("SCMP_ACT_ERRNO", 38u), (clone3.Action, clone3.ErrnoRet));
        var clone = Assert.Single(resolved.Syscalls!, r => r.Names.SequenceEqual(["clone"]));
        Assert.Equal(0x7E020000ul, Assert.Single(clone.Args!).Value);
        Assert.Equal(11, resolved.Syscalls!.Count);
    }

    [Fact]
    public void ArchitectureIncludesFollowTheMachine()
    {
        Assert.Contains("arch_prctl", Allowed(RuntimeSpecDefaults.Capabilities, "amd64"));
        Assert.DoesNotContain("arch_prctl", Allowed(RuntimeSpecDefaults.Capabilities, "arm64"));
        Assert.Contains("arm_fadvise64_64", Allowed(RuntimeSpecDefaults.Capabilities, "arm64"));
    }

    [Fact]
    public void BothArchitecturesAndArchMapAreRefused()
    {
        var error = Assert.Throws<ContainerToolsException>(() => SeccompProfile.Parse("""
            { "defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"], "archMap": [ { "architecture": "SCMP_ARCH_X86_64" } ] }
            """u8.ToArray(), "test.json"));
        Assert.Equal(ErrorIds.SeccompProfileInvalid, error.Id);
        Assert.Contains("test.json", error.Message);
    }
}
