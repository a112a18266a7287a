using System.Text.Json;

namespace ContainerTools.Api.Http;

/// <summary>One request as read off the connection: head parsed, body a stream the handler reads (or the server drains).</summary>
internal sealed class HttpRequest
{
    public required string Method { get; init; }
    /// <summary>The path without the /vX.Y prefix, percent-decoded per segment.</summary>
    public required string Path { get; init; }
    public required IReadOnlyDictionary<string, List<string>> Query { get; init; }
    public required IReadOnlyDictionary<string, string> Headers { get; init; }
    public required ReadOnlyBodyStream Body { get; init; }
    public required bool HasBody { get; init; }
    /// <summary>The version the client asked for in the path (null: unversioned).</summary>
    public Version? ApiVersion { get; init; }
    /// <summary>Connection: Upgrade with Upgrade: tcp, as docker's hijacking requests send.</summary>
    public bool WantsUpgrade { get; init; }
    public bool KeepAlive { get; init; } = true;
    /// <summary>Filled by the router: {name} parts of the route.</summary>
    public Dictionary<string, string> RouteValues { get; } = new(StringComparer.Ordinal);

    public string Route(string name) => RouteValues[name];

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public string? QueryValue(string name) => Query.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    public IReadOnlyList<string> QueryValues(string name) => Query.TryGetValue(name, out var values) ? values : [];

    /// <summary>Docker's booleans in a query: 1/true/True (and an empty value counts as absent).</summary>
    public bool QueryBool(string name, bool fallback = false)
    {
        var value = QueryValue(name);
        if (string.IsNullOrEmpty(value)) return fallback;
        return value switch
        {
            "1" or "true" or "True" or "TRUE" => true,
            "0" or "false" or "False" or "FALSE" => false,
            _ => throw new ApiException(400, $"invalid value for {name}: '{value}' is not a boolean"),
        };
    }

    public int? QueryInt(string name)
    {
        var value = QueryValue(name);
        if (string.IsNullOrEmpty(value)) return null;
        return int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n : throw new ApiException(400, $"invalid value for {name}: '{value}' is not an integer");
    }

    /// <summary>The JSON body as <typeparamref name="T"/>; an empty body is null. Bad JSON or wrong types are a 400.</summary>
    public T? ReadJson<T>(int limit = ApiLimits.JsonBody) where T : class
    {
        var bytes = ReadAll(limit);
        if (bytes.Length == 0) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, ApiJson.Input);
        }
        catch (JsonException ex)
        {
            throw new ApiException(400, $"invalid JSON in the request body: {ex.Message}");
        }
    }

    /// <summary>The whole body (a small one: JSON); more than <paramref name="limit"/> bytes is a 413.</summary>
    public byte[] ReadAll(int limit)
    {
        using var memory = new MemoryStream();
        var buffer = new byte[8192];
        int n;
        while ((n = Body.Read(buffer)) > 0)
        {
            if (memory.Length + n > limit) throw new ApiException(413, $"request body is larger than {limit} bytes");
            memory.Write(buffer, 0, n);
        }
        return memory.ToArray();
    }
}

/// <summary>Sizes the server refuses to go beyond.</summary>
internal static class ApiLimits
{
    public const int RequestLine = 16 * 1024;
    public const int HeaderLine = 64 * 1024;
    public const int HeaderCount = 200;
    /// <summary>JSON bodies (create, exec, network): far above any real one.</summary>
    public const int JsonBody = 4 * 1024 * 1024;
}
