namespace ContainerTools.OciRuntime.Errors;

/// <summary>What went wrong, in terms a caller can act on; the cmdlet layer maps it to an ErrorCategory.</summary>
public enum ErrorKind
{
    InvalidArgument,
    NotFound,
    AlreadyExists,
    InUse,
    InvalidData,
    PermissionDenied,
    InvalidOperation,
    ConnectionError,
    AuthenticationError,
    ResourceUnavailable,
}

/// <summary>
/// Every failure the engine reports on purpose. <see cref="Id"/> comes from the catalog (<see cref="ErrorIds"/>): its
/// name is a stable PascalCase identifier (the cmdlets use it as the ErrorRecord's FullyQualifiedErrorId), its kind
/// what a caller can do about it, its exit code what `docker run` would exit with. <see cref="Reason"/> is the cause
/// without the sentence around it (what a caller re-wrapping the error should quote), <see cref="Errno"/> the system
/// error behind it when there is one; <see cref="Target"/> names the object at fault.
/// </summary>
public class ContainerToolsException : Exception
{
    public ContainerToolsException(ErrorId id, string message, object? target = null, Exception? inner = null, string? reason = null, int? errno = null)
        : base(message, inner)
    {
        Id = id;
        Target = target;
        Reason = reason ?? message;
        Errno = errno ?? (inner as Linux.SystemCallException)?.Errno ?? (inner as ContainerToolsException)?.Errno;
    }

    /// <summary>Prefer the catalog's <see cref="ErrorIds"/>; this names an id ad hoc.</summary>
    public ContainerToolsException(ErrorKind kind, string errorId, string message, object? target = null, Exception? inner = null)
        : this(ErrorIds.Find(errorId) is { } known && known.Kind == kind ? known : new ErrorId(errorId, kind), message, target, inner)
    {
    }

    public ErrorId Id { get; }
    public ErrorKind Kind => Id.Kind;
    public string ErrorId => Id.Name;
    public object? Target { get; }
    public string Reason { get; }
    public int? Errno { get; }
    /// <summary>What `docker run` / `docker exec` exits with for this failure: 125, 126 (cannot invoke) or 127 (not found).</summary>
    public int ExitCode => Id.ExitCode;
}
