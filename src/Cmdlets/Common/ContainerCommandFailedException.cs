namespace ContainerTools.Cmdlets.Common;

/// <summary>A command run in a container ended with a non-zero exit code; carried by a ContainerCommandFailed ErrorRecord.</summary>
public sealed class ContainerCommandFailedException(string container, IReadOnlyList<string> command, int exitCode)
    : Exception($"'{string.Join(' ', command)}' in the container '{container}' exited with code {exitCode}.")
{
    public string Container { get; } = container;
    public int ExitCode { get; } = exitCode;
}
