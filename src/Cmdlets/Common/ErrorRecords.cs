using System.Management.Automation;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Cmdlets.Common;

/// <summary>Maps engine failures onto PowerShell's error model, so users see a category and an id instead of a stack trace.</summary>
public static class ErrorRecords
{
    public static ErrorRecord From(Exception ex, object? target) => ex switch
    {
        ContainerToolsException engine => new ErrorRecord(engine, engine.ErrorId, Category(engine.Kind), engine.Target ?? target),
        UnauthorizedAccessException => new ErrorRecord(ex, "AccessDenied", ErrorCategory.PermissionDenied, target),
        FileNotFoundException or DirectoryNotFoundException => new ErrorRecord(ex, "PathNotFound", ErrorCategory.ObjectNotFound, target),
        IOException => new ErrorRecord(ex, "IOError", ErrorCategory.WriteError, target),
        _ => new ErrorRecord(ex, "UnexpectedError", ErrorCategory.NotSpecified, target),
    };

    public static ErrorCategory Category(ErrorKind kind) => kind switch
    {
        ErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        ErrorKind.AlreadyExists => ErrorCategory.ResourceExists,
        ErrorKind.InUse => ErrorCategory.ResourceBusy,
        ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ErrorKind.InvalidData => ErrorCategory.InvalidData,
        ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        ErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        ErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        ErrorKind.AuthenticationError => ErrorCategory.AuthenticationError,
        ErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        _ => ErrorCategory.NotSpecified,
    };

    public static ErrorRecord NotFound(string errorId, string message, object target) =>
        new(new ContainerToolsException(ErrorKind.NotFound, errorId, message, target), errorId, ErrorCategory.ObjectNotFound, target);
}
