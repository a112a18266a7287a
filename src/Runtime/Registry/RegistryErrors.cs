using System.Net;
using System.Text.Json;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Registry;

/// <summary>The errors a registry conversation ends in, with the ids users and tests rely on.</summary>
internal static class RegistryErrors
{
    public static ContainerToolsException AuthenticationFailed(string registry, RegistryCredential? credential) =>
        new(ErrorIds.RegistryAuthenticationFailed, credential is null
            ? $"The registry {registry} requires a login: give a credential or run Connect-ContainerRegistry first."
            : $"The registry {registry} rejected the credentials of user '{credential.Username}'.", registry);

    public static ContainerToolsException ConnectionFailed(string registry, Exception inner) =>
        new(ErrorIds.RegistryConnectionFailed, $"The connection to the registry {registry} failed: {Describe(inner)}", registry, inner);

    public static ContainerToolsException ImageNotFound(string reference, string? detail = null) =>
        new(ErrorIds.ImageNotFoundInRegistry, $"The registry has no image '{reference}'{(detail is null ? "" : ": " + detail)}.", reference);

    /// <summary>An unexpected status: the registry's own error message (from its JSON error body) when it sent one.</summary>
    public static ContainerToolsException Unexpected(HttpResponseMessage response, string what, string target, byte[] body)
    {
        var status = (int)response.StatusCode;
        var message = $"The registry answered {status} {response.ReasonPhrase} to {what}{RegistryMessage(body)}.";
        return response.StatusCode switch
        {
            HttpStatusCode.Forbidden => new ContainerToolsException(ErrorIds.RegistryAccessDenied, message, target),
            HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable =>
                new ContainerToolsException(ErrorIds.RegistryUnavailable, message, target),
            _ when status >= 500 => new ContainerToolsException(ErrorIds.RegistryConnectionFailed, message, target),
            _ => new ContainerToolsException(ErrorIds.RegistryRequestFailed, message, target),
        };
    }

    public static string RegistryMessage(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                var parts = errors.EnumerateArray()
                    .Select(e => (Code: e.TryGetProperty("code", out var c) ? c.ToString() : "", Message: e.TryGetProperty("message", out var m) ? m.ToString() : ""))
                    .Select(e => string.Join(": ", new[] { e.Code, e.Message }.Where(s => s.Length > 0)))
                    .Where(s => s.Length > 0)
                    .ToList();
                if (parts.Count > 0)
                {
                    return " (" + string.Join("; ", parts) + ")";
                }
            }
        }
        catch (JsonException)
        {
        }
        return "";
    }

    private static string Describe(Exception ex)
    {
        var messages = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (!messages.Contains(e.Message))
            {
                messages.Add(e.Message);
            }
        }
        return string.Join(" ", messages.Take(3));
    }
}
