namespace ContainerTools.Runtime.Errors;

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
/// Every failure the engine reports on purpose. <see cref="ErrorId"/> is a stable PascalCase identifier
/// (the cmdlets use it as the ErrorRecord's FullyQualifiedErrorId); <see cref="Target"/> names the object at fault.
/// </summary>
public class ContainerToolsException : Exception
{
    public ContainerToolsException(ErrorKind kind, string errorId, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        ErrorId = errorId;
        Target = target;
    }

    public ErrorKind Kind { get; }
    public string ErrorId { get; }
    public object? Target { get; }
}
