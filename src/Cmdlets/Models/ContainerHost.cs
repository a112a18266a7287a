using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.Runtime.Hosts;

namespace ContainerTools;

/// <summary>A host as Get-ContainerHost writes it (like `docker info`): the module's version, its store, kernel and counts.</summary>
public sealed class ContainerHost
{
    /// <summary>The host's name as PowerShell knows it (the machine's name here; the session's computer name for a host of a fleet).</summary>
    public string HostName { get; init; } = "";
    /// <summary>The version of ContainerTools that answered.</summary>
    public string Version { get; init; } = "";
    public string PowerShellVersion { get; init; } = "";
    public string StorePath { get; init; } = "";
    public string Kernel { get; init; } = "";
    public string OperatingSystem { get; init; } = "";
    public CgroupVersion CgroupVersion { get; init; }
    public int Cpus { get; init; }
    public long MemoryBytes { get; init; }
    public int Containers { get; init; }
    public int Running { get; init; }
    public int Paused { get; init; }
    public int Stopped { get; init; }
    public int Images { get; init; }
    public int Volumes { get; init; }
    public int Networks { get; init; }

    public static ContainerHost From(HostSummary summary, string version, string powerShellVersion) => new()
    {
        HostName = System.Environment.MachineName,
        Version = version,
        PowerShellVersion = powerShellVersion,
        StorePath = summary.StorePath,
        Kernel = summary.Kernel,
        OperatingSystem = summary.OperatingSystem,
        CgroupVersion = summary.CgroupVersion,
        Cpus = summary.Cpus,
        MemoryBytes = summary.MemoryBytes,
        Containers = summary.Containers,
        Running = summary.Running,
        Paused = summary.Paused,
        Stopped = summary.Stopped,
        Images = summary.Images,
        Volumes = summary.Volumes,
        Networks = summary.Networks,
    };
}
