namespace ContainerTools.OciRuntime.Errors;

/// <summary>
/// One entry of the error catalog (<see cref="ErrorIds"/>): a stable name, what kind of failure it is, and the exit
/// code `docker run` and `docker exec` give it (<see cref="ExitCodes"/>).
/// </summary>
public sealed record ErrorId(string Name, ErrorKind Kind, int ExitCode = ExitCodes.EngineError)
{
    public override string ToString() => Name;
}

/// <summary>Docker's exit codes for a container that did not run its program (docker run's and docker exec's).</summary>
public static class ExitCodes
{
    /// <summary>The engine failed: bad arguments, no such image, could not create or start.</summary>
    public const int EngineError = 125;
    /// <summary>The program was found but cannot be invoked (permission denied, not an executable, a directory).</summary>
    public const int CannotInvoke = 126;
    /// <summary>The program was not found.</summary>
    public const int CommandNotFound = 127;
}
