using ContainerTools.Runtime.Containers.Exec;

namespace ContainerTools;

/// <summary>A process in a container (a row of `docker top`), as Get-ContainerProcess and Start-ContainerProcess write it.</summary>
public sealed class ContainerProcess
{
    public string ContainerId { get; init; } = "";
    public string ContainerName { get; init; } = "";
    /// <summary>The pid in the host's pid namespace (what kill and /proc on the host use).</summary>
    public int Pid { get; init; }
    /// <summary>The pid inside the container's pid namespace (1 is the container's main process).</summary>
    public int ContainerPid { get; init; }
    public uint Uid { get; init; }
    /// <summary>The user name from the image's /etc/passwd, else the uid.</summary>
    public string User { get; init; } = "";
    public string[] Command { get; init; } = [];

    public override string ToString() => $"{ContainerPid} {string.Join(' ', Command)}";

    public static ContainerProcess From(ContainerProcessInfo info, string containerName) => new()
    {
        ContainerId = info.ContainerId,
        ContainerName = containerName,
        Pid = info.HostPid,
        ContainerPid = info.ContainerPid,
        Uid = info.Uid,
        User = info.User,
        Command = info.CommandLine.ToArray(),
    };
}
