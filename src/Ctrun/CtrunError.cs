namespace ContainerTools.Ctrun;

/// <summary>A failure reported to the caller as runc does: one line on stderr (and in --log), exit code 1.</summary>
internal sealed class CtrunError(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
