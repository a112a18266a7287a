using System.Net;

namespace ContainerTools.Tests.Registry;

/// <summary>
/// A minimal HTTP server on 127.0.0.1 answering /v2/ requests with whatever a test wants: responses a real registry
/// would never send (a huge or malformed manifest).
/// </summary>
public sealed class FakeRegistry : IDisposable
{
    private readonly Func<HttpListenerRequest, FakeResponse> _respond;
    private readonly LoopbackHttpServer _server;

    /// <summary>Answers GET /v2/ with 200 and everything else with <paramref name="respond"/>.</summary>
    public FakeRegistry(Func<HttpListenerRequest, (int Status, string ContentType, byte[] Body)> respond)
        : this(request =>
        {
            var (status, contentType, body) = request.Url!.AbsolutePath == "/v2/" ? (200, "application/json", "{}"u8.ToArray()) : respond(request);
            return new FakeResponse(status, contentType, body);
        })
    {
    }

    /// <summary>Answers every request, /v2/ included, with <paramref name="respond"/>.</summary>
    public FakeRegistry(Func<HttpListenerRequest, FakeResponse> respond)
    {
        _respond = respond;
        _server = new LoopbackHttpServer(Handle);
    }

    public int Port => _server.Port;

    /// <summary>Send bodies with chunked transfer encoding, without a Content-Length to judge them by.</summary>
    public bool Chunked { get; set; }

    public string Host => $"127.0.0.1:{Port}";

    public void Dispose() => _server.Dispose();

    private void Handle(HttpListenerContext context)
    {
        try
        {
            var (status, contentType, body, headers) = _respond(context.Request);
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            if (status is >= 300 and < 400)
            {
                context.Response.KeepAlive = false;
            }
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                context.Response.AddHeader(name, value);
            }
            if (Chunked)
            {
                context.Response.SendChunked = true;
            }
            else
            {
                context.Response.ContentLength64 = body.Length;
            }
            context.Response.OutputStream.Write(body);
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException)
        {
        }
    }
}

/// <summary>A FakeRegistry answer.</summary>
public sealed record FakeResponse(int Status, string ContentType, byte[] Body, IReadOnlyDictionary<string, string>? Headers = null);
