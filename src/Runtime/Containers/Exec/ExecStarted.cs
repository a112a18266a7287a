namespace ContainerTools.Runtime.Containers.Exec;

/// <summary>A detached exec: the process runs on in the container; <see cref="Pid"/> is its host pid.</summary>
public sealed record ExecStarted(string ContainerId, int Pid, IReadOnlyList<string> Command);
