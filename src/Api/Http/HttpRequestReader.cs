using System.Globalization;
using System.Text.RegularExpressions;

namespace ContainerTools.Api.Http;

/// <summary>Reads request heads off a connection (HTTP/1.0 and 1.1, no pipelining surprises: one at a time).</summary>
internal static partial class HttpRequestReader
{
    [GeneratedRegex(@"^/v(\d+)\.(\d+)(/.*)$")]
    private static partial Regex VersionPrefix();

    /// <summary>The next request, or null when the client closed the connection between requests.</summary>
    public static HttpRequest? Read(HttpInput input)
    {
        string? requestLine;
        // Tolerate stray empty lines between requests (RFC 9112 2.2).
        do { requestLine = input.ReadLine(ApiLimits.RequestLine); } while (requestLine == "");
        if (requestLine is null) return null;
        var parts = requestLine.Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || !parts[1].StartsWith('/') || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            throw new MalformedRequestException("malformed request line");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            var line = input.ReadLine(ApiLimits.HeaderLine) ?? throw new MalformedRequestException("the connection ended inside a request head");
            if (line.Length == 0) break;
            var colon = line.IndexOf(':');
            if (colon <= 0) throw new MalformedRequestException("malformed header line");
            if (headers.Count >= ApiLimits.HeaderCount) throw new MalformedRequestException("too many headers", 431);
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + ", " + value : value;
        }
        var http10 = parts[2] == "HTTP/1.0";
        var connection = headers.GetValueOrDefault("Connection") ?? "";
        var tokens = connection.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var keepAlive = http10 ? tokens.Contains("keep-alive", StringComparer.OrdinalIgnoreCase) : !tokens.Contains("close", StringComparer.OrdinalIgnoreCase);
        var upgrade = tokens.Contains("upgrade", StringComparer.OrdinalIgnoreCase) && headers.ContainsKey("Upgrade");

        ReadOnlyBodyStream body;
        bool hasBody;
        if (headers.TryGetValue("Transfer-Encoding", out var encoding))
        {
            if (!encoding.EndsWith("chunked", StringComparison.OrdinalIgnoreCase)) throw new MalformedRequestException("unsupported transfer coding", 501);
            body = new ChunkedBodyStream(input);
            hasBody = true;
        }
        else if (headers.TryGetValue("Content-Length", out var lengthText))
        {
            if (!long.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length)) throw new MalformedRequestException("bad Content-Length");
            body = new LengthBodyStream(input, length);
            hasBody = length > 0;
        }
        else
        {
            body = new LengthBodyStream(input, 0);
            hasBody = false;
        }

        var target = parts[1];
        var question = target.IndexOf('?');
        var rawPath = question < 0 ? target : target[..question];
        var query = ParseQuery(question < 0 ? "" : target[(question + 1)..]);
        Version? version = null;
        var match = VersionPrefix().Match(rawPath);
        if (match.Success)
        {
            version = new Version(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
            rawPath = match.Groups[3].Value;
        }
        return new HttpRequest
        {
            Method = parts[0],
            Path = Decode(rawPath, plusIsSpace: false),
            Query = query,
            Headers = headers,
            Body = body,
            HasBody = hasBody,
            ApiVersion = version,
            WantsUpgrade = upgrade,
            KeepAlive = keepAlive,
        };
    }

    private static Dictionary<string, List<string>> ParseQuery(string text)
    {
        var query = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var key = Decode(equals < 0 ? pair : pair[..equals], plusIsSpace: true);
            var value = equals < 0 ? "" : Decode(pair[(equals + 1)..], plusIsSpace: true);
            if (!query.TryGetValue(key, out var values)) query[key] = values = [];
            values.Add(value);
        }
        return query;
    }

    private static string Decode(string text, bool plusIsSpace)
    {
        try
        {
            return Uri.UnescapeDataString(plusIsSpace ? text.Replace('+', ' ') : text);
        }
        catch (UriFormatException)
        {
            throw new MalformedRequestException("bad percent-encoding");
        }
    }
}
