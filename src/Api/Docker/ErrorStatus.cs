using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Api;

/// <summary>
/// The engine's typed errors as Docker's status codes: bad input 400, missing 404, conflicts 409, real faults 500.
/// Mapped from the catalog's kinds (and a few ids), never from message text.
/// </summary>
internal static class ErrorStatus
{
    public static int Of(ContainerToolsException error)
    {
        // A program that cannot be found (127) or run (126) is the caller's mistake, as dockerd answers it.
        if (error.ExitCode is ExitCodes.CannotInvoke or ExitCodes.CommandNotFound) return 400;
        if (error.Id == ErrorIds.ContainerStartFailed) return 500;
        return error.Kind switch
        {
            ErrorKind.InvalidArgument or ErrorKind.InvalidData => 400,
            ErrorKind.NotFound => 404,
            ErrorKind.AlreadyExists or ErrorKind.InUse or ErrorKind.InvalidOperation => 409,
            ErrorKind.PermissionDenied => 403,
            ErrorKind.AuthenticationError => 401,
            _ => 500,
        };
    }
}
