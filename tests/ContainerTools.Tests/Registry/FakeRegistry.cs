using System.Net;
using System.Net.Sockets;

namespace ContainerTools.Tests.Registry;

/// <summary>
/// A minimal HTTP server on 127.0.0.1 answering /v2/ requests with whatever a test wants: responses a real registry
/// would never send (a huge or malformed manifest).
/// </summary>
public sealed class FakeRegistry : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerRequest, FakeResponse> _respond;
    private readonly Task _serving;

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
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(Serve);
    }

    public int Port { get; }

    /// <summary>Send bodies with chunked transfer encoding, without a Content-Length to judge them by.</summary>
    public bool Chunked { get; set; }

    public string Host => $"127.0.0.1:{Port}";

    public void Dispose()
    {
        _listener.Close();
        try { _serving.Wait(2000); } catch (AggregateException) { }
    }

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
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
            finally
            {
                try { context.Response.Close(); } catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException) { }
            }
        }
    }
}

/// <summary>A FakeRegistry answer.</summary>
public sealed record FakeResponse(int Status, string ContentType, byte[] Body, IReadOnlyDictionary<string, string>? Headers = null);
