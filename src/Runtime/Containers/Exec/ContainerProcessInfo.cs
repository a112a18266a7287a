namespace ContainerTools.Runtime.Containers.Exec;

/// <summary>One process of a running container (docker top): its pid on the host and in the container, its user and command line.</summary>
public sealed record ContainerProcessInfo(string ContainerId, int HostPid, int ContainerPid, uint Uid, string User, IReadOnlyList<string> CommandLine);
