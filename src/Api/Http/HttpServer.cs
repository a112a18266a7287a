using System.Net.Security;
using System.Net.Sockets;

namespace ContainerTools.Api.Http;

/// <summary>
/// Accepts connections on the listening sockets and serves each on its own thread: the engine's calls block (an
/// attach reads until the container's output ends), so a thread per connection keeps every handler plain.
/// </summary>
internal sealed class HttpServer(Action<HttpRequest, HttpResponse> dispatch, Action<string> log)
{
    /// <summary>Connections served at once; more are answered 503 and closed (each holds a thread).</summary>
    public const int MaxConnections = 2048;
    /// <summary>How long a connection may send nothing while a request is expected or being read (slow or idle clients).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);
    private int _connections;

    public int OpenConnections => Volatile.Read(ref _connections);

    /// <summary>Serves <paramref name="listener"/> until it is closed; <paramref name="tls"/> wraps each connection (the --tcp listener).</summary>
    public void Serve(Socket listener, Func<Stream, Stream>? tls = null)
    {
        while (true)
        {
            Socket client;
            try { client = listener.Accept(); }
            catch (SocketException) { return; }
            catch (ObjectDisposedException) { return; }
            if (Interlocked.Increment(ref _connections) > MaxConnections)
            {
                Interlocked.Decrement(ref _connections);
                try
                {
                    client.Send("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: 35\r\n\r\n{\"message\":\"too many connections\"}\n"u8);
                }
                catch (SocketException) { }
                client.Dispose();
                continue;
            }
            new Thread(() => ServeConnection(client, tls)) { IsBackground = true, Name = "ctapi connection" }.Start();
        }
    }

    private void ServeConnection(Socket client, Func<Stream, Stream>? tls)
    {
        try
        {
            // Before the TLS handshake too: a client that connects and says nothing does not hold a thread for ever.
            client.ReceiveTimeout = (int)IdleTimeout.TotalMilliseconds;
            using var network = new NetworkStream(client, ownsSocket: true);
            using var stream = tls is null ? network : Handshake(tls, network, client);
            var input = new HttpInput(stream);
            while (true)
            {
                HttpRequest? request;
                try
                {
                    request = HttpRequestReader.Read(input);
                }
                catch (MalformedRequestException ex)
                {
                    new HttpResponse(stream, input, keepAlive: false).Json(ex.Status, new { message = ex.Message });
                    return;
                }
                if (request is null) return;
                // A hijacked connection (an interactive shell) may be quiet for as long as its user is.
                var response = new HttpResponse(stream, input, request.KeepAlive) { OnHijack = () => client.ReceiveTimeout = 0 };
                dispatch(request, response);
                if (response.ConnectionTaken || !response.KeepAlive || !request.KeepAlive) return;
                try { request.Body.Drain(); }
                catch (MalformedRequestException) { return; }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            // The client went away.
        }
        catch (Exception ex)
        {
            log($"connection failed: {ex}");
        }
        finally
        {
            try { client.Dispose(); } catch (Exception) { }
            Interlocked.Decrement(ref _connections);
        }
    }

    /// <summary>The TLS handshake; a failed one (no client certificate, another CA's, not TLS at all) is logged, as dockerd does, and ends the connection.</summary>
    private Stream Handshake(Func<Stream, Stream> tls, Stream network, Socket client)
    {
        var peer = client.RemoteEndPoint;
        try { return tls(network); }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException)
        {
            log($"TLS handshake with {peer} failed: {ex.Message}");
            throw new IOException("TLS handshake failed", ex);
        }
    }
}
