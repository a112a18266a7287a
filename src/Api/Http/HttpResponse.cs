using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ContainerTools.Api.Http;

/// <summary>
/// The answer to one request: a whole body (JSON or bytes) with Content-Length, a chunked stream, or a hijacked
/// connection (docker attach and exec start), once each.
/// </summary>
internal sealed class HttpResponse(Stream output, HttpInput input, bool keepAlive)
{
    /// <summary>Whether the head is out: a failure after that can no longer become an error response.</summary>
    public bool Started { get; private set; }

    /// <summary>The connection now belongs to the handler (or a stream ended it): the server closes it afterwards.</summary>
    public bool ConnectionTaken { get; private set; }

    public bool KeepAlive { get; private set; } = keepAlive;

    /// <summary>Run when the connection is taken over (the server lifts its idle timeout).</summary>
    public Action? OnHijack { get; init; }

    /// <summary>Closes the connection after this response (a failure mid-stream, a malformed body).</summary>
    public void EndAfterThis() => KeepAlive = false;

    private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);

    public void SetHeader(string name, string value) => _headers[name] = value;

    public void Json(int status, object? value) =>
        Bytes(status, "application/json", JsonSerializer.SerializeToUtf8Bytes(value, ApiJson.Output));

    public void Text(int status, string text, string contentType = "text/plain; charset=utf-8") =>
        Bytes(status, contentType, Encoding.UTF8.GetBytes(text));

    public void Empty(int status) => Bytes(status, null, []);

    public void Bytes(int status, string? contentType, byte[] body, bool headOnly = false)
    {
        var head = Head(status, contentType);
        head.Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        WriteHead(head);
        if (!headOnly && body.Length > 0) output.Write(body);
        output.Flush();
    }

    /// <summary>A body of unknown length, written as it comes; <see cref="ChunkedResponseStream.End"/> completes it.</summary>
    public ChunkedResponseStream Stream(int status, string contentType)
    {
        var head = Head(status, contentType);
        head.Append("Transfer-Encoding: chunked\r\n\r\n");
        WriteHead(head);
        output.Flush();
        return new ChunkedResponseStream(output);
    }

    /// <summary>
    /// Takes the raw connection over, as dockerd's hijack does: 101 UPGRADED when the client asked to upgrade, else
    /// 200 and the raw stream until close. Reads then come from the connection's buffer (what the client sent ahead
    /// is stdin), writes go straight out.
    /// </summary>
    public HijackedConnection Hijack(bool upgrade, string contentType = "application/vnd.docker.raw-stream")
    {
        var head = new StringBuilder();
        head.Append(upgrade ? "HTTP/1.1 101 UPGRADED\r\n" : "HTTP/1.1 200 OK\r\n");
        head.Append("Content-Type: ").Append(contentType).Append("\r\n");
        if (upgrade) head.Append("Connection: Upgrade\r\nUpgrade: tcp\r\n");
        head.Append("Api-Version: ").Append(ApiVersions.Current).Append("\r\n\r\n");
        WriteHead(head);
        output.Flush();
        ConnectionTaken = true;
        KeepAlive = false;
        OnHijack?.Invoke();
        return new HijackedConnection(input, output);
    }

    private StringBuilder Head(int status, string? contentType)
    {
        var head = new StringBuilder(256);
        head.Append("HTTP/1.1 ").Append(status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(ReasonPhrase(status)).Append("\r\n");
        head.Append("Api-Version: ").Append(ApiVersions.Current).Append("\r\n");
        head.Append("Docker-Experimental: false\r\nOstype: linux\r\nServer: ContainerTools/").Append(ApiVersions.EngineVersion).Append(" (linux)\r\n");
        head.Append("Date: ").Append(DateTime.UtcNow.ToString("R", CultureInfo.InvariantCulture)).Append("\r\n");
        if (contentType is not null) head.Append("Content-Type: ").Append(contentType).Append("\r\n");
        foreach (var (name, value) in _headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        if (!KeepAlive) head.Append("Connection: close\r\n");
        return head;
    }

    private void WriteHead(StringBuilder head)
    {
        if (Started) throw new InvalidOperationException("The response has already started.");
        Started = true;
        output.Write(Encoding.Latin1.GetBytes(head.ToString()));
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Status",
    };
}

/// <summary>A connection after a hijack: the client's bytes in, ours out (docker's raw or multiplexed stream).</summary>
internal sealed class HijackedConnection(HttpInput input, Stream output)
{
    private readonly object _writeGate = new();

    public int Read(Span<byte> buffer)
    {
        try { return input.Read(buffer); }
        catch (IOException) { return 0; }
        catch (ObjectDisposedException) { return 0; }
    }

    /// <summary>Writes one piece whole (frames of two writers never interleave); false once the client is gone.</summary>
    public bool Write(ReadOnlySpan<byte> data)
    {
        lock (_writeGate)
        {
            try
            {
                output.Write(data);
                output.Flush();
                return true;
            }
            catch (IOException) { return false; }
            catch (ObjectDisposedException) { return false; }
        }
    }
}
