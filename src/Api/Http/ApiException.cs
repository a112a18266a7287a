namespace ContainerTools.Api.Http;

/// <summary>A request the API refuses on its own account (not the engine's): Docker's {"message"} with <see cref="Status"/>.</summary>
internal sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static ApiException NotFound(string message) => new(404, message);
    public static ApiException BadRequest(string message) => new(400, message);
    public static ApiException Conflict(string message) => new(409, message);
}
