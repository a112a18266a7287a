using System.Text.Json;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Oci;

/// <summary>One set of JSON options for every OCI document, and parsing that fails with a clear error.</summary>
public static class OciJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = false,
        WriteIndented = false,
        MaxDepth = 64,
    };

    public static T Parse<T>(ReadOnlySpan<byte> json, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options)
                ?? throw new ContainerToolsException(ErrorIds.InvalidDocument, $"The {what} is empty (null).", what);
        }
        catch (JsonException ex)
        {
            throw new ContainerToolsException(ErrorIds.InvalidDocument, $"The {what} is not valid JSON: {ex.Message}", what, ex);
        }
    }

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);
}
