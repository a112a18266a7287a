using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Containers;

namespace ContainerTools.Runtime.Hosts;

/// <summary>What `docker info` tells about a host: its store, kernel, cgroup version and what the store holds.</summary>
public sealed record HostSummary(
    string StorePath,
    string Kernel,
    string OperatingSystem,
    CgroupVersion CgroupVersion,
    int Cpus,
    long MemoryBytes,
    int Containers,
    int Running,
    int Paused,
    int Stopped,
    int Images,
    int Volumes,
    int Networks)
{
    public static HostSummary Of(ContainerStore containers)
    {
        var all = containers.List();
        return new HostSummary(
            StorePath: containers.Root.Path,
            Kernel: ReadFirstLine("/proc/sys/kernel/osrelease"),
            OperatingSystem: PrettyName(),
            CgroupVersion: CgroupHost.Default.Version,
            Cpus: Environment.ProcessorCount,
            MemoryBytes: TotalMemory(),
            Containers: all.Count,
            Running: all.Count(c => c.Status == ContainerStatus.Running),
            Paused: all.Count(c => c.Status == ContainerStatus.Paused),
            Stopped: all.Count(c => c.Status is ContainerStatus.Exited or ContainerStatus.Created),
            Images: containers.Images.List().Count,
            Volumes: containers.Volumes.List().Count,
            Networks: containers.Networks.List().Count);
    }

    private static string ReadFirstLine(string path) =>
        File.Exists(path) ? File.ReadLines(path).FirstOrDefault()?.Trim() ?? "" : "";

    private static string PrettyName()
    {
        const string key = "PRETTY_NAME=";
        var line = File.Exists("/etc/os-release") ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal)) : null;
        return line?.Substring(key.Length).Trim('"') ?? "Linux";
    }

    private static long TotalMemory()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        var kilobytes = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        return long.TryParse(kilobytes, out var kb) ? kb * 1024 : 0;
    }
}
