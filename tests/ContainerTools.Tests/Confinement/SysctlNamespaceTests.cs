using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;
using ContainerTools.Tests.Runtime;

namespace ContainerTools.Tests.Confinement;

/// <summary>
/// linux.sysctl with a network namespace joined by path, as the engine gives a container on a bridge (its netns file)
/// and as another front end may write: a namespace of the container's own takes the write; the caller's own namespace
/// (here /proc/self/ns/net, the test process being the launcher) is refused before anything starts.
/// </summary>
public sealed class SysctlNamespaceTests : IDisposable
{
    private const string Parameter = "net.ipv4.ip_unprivileged_port_start";
    private readonly BusyboxBundle _bundle = new();
    private readonly string _netnsDirectory = Directory.CreateTempSubdirectory("ct-sysctl-").FullName;

    public void Dispose()
    {
        var netns = Path.Combine(_netnsDirectory, "netns");
        while (OverlayMount.IsMountPoint(netns)) Mounts.Unmount(netns, detach: true);
        Directory.Delete(_netnsDirectory, recursive: true);
        _bundle.Dispose();
    }

    private static RuntimeSpec JoiningNetwork(string path, string value)
    {
        var spec = BusyboxBundle.Shell("cat /proc/sys/net/ipv4/ip_unprivileged_port_start");
        var namespaces = spec.Linux.Namespaces.Where(ns => ns.Type != "network").Append(new NamespaceSpec { Type = "network", Path = path }).ToList();
        return spec with { Linux = spec.Linux with { Namespaces = namespaces, Sysctl = new Dictionary<string, string> { [Parameter] = value } } };
    }

    [Fact]
    public void ANetworkSysctlIsWrittenInAJoinedNamespaceOfTheContainersOwn()
    {
        var netns = Path.Combine(_netnsDirectory, "netns");
        NetworkNamespaceFile.Create(netns);
        var hostValue = File.ReadAllText("/proc/sys/net/ipv4/ip_unprivileged_port_start").Trim();
        var value = hostValue == "0" ? "1" : "0";

        var result = ContainerRun.Run(_bundle, JoiningNetwork(netns, value));

        Assert.True(result.Status.Code == 0, result.Stderr);
        Assert.Equal(value, result.Stdout.Trim());
        Assert.Equal(hostValue, File.ReadAllText("/proc/sys/net/ipv4/ip_unprivileged_port_start").Trim());
    }

    [Fact]
    public void ANetworkSysctlInTheCallersOwnNamespaceIsRefusedAndTheHostKeepsItsValue()
    {
        var hostValue = File.ReadAllText("/proc/sys/net/ipv4/ip_unprivileged_port_start").Trim();
        var value = hostValue == "0" ? "1" : "0";

        var error = Assert.Throws<ContainerToolsException>(() => ContainerRun.Run(_bundle, JoiningNetwork("/proc/self/ns/net", value)));

        Assert.Equal(ErrorIds.InvalidRuntimeSpec.Name, error.Id.Name);
        Assert.Contains(Parameter, error.Message);
        Assert.Contains("caller's network namespace", error.Message);
        Assert.Equal(hostValue, File.ReadAllText("/proc/sys/net/ipv4/ip_unprivileged_port_start").Trim());
    }
}
