namespace ContainerTools.Cmdlets.Common;

/// <summary>One line a container wrote to its stderr, carried by a ContainerStderr ErrorRecord: the message is the line.</summary>
public sealed class ContainerStderrException(string line) : Exception(line);
