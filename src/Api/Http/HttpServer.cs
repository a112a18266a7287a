using System.Net.Security;
using System.Net.Sockets;

namespace ContainerTools.Api.Http;

/// <summary>
/// Accepts connections on the listening sockets and serves each on its own thread: the engine's calls block (an
/// attach reads until the container's output ends), so a thread per connection keeps every handler plain.
/// </summary>
internal sealed class HttpServer(Action<HttpRequest, HttpResponse> dispatch, Action<string> log)
{
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
            Interlocked.Increment(ref _connections);
            new Thread(() => ServeConnection(client, tls)) { IsBackground = true, Name = "ctapi connection" }.Start();
        }
    }

    private void ServeConnection(Socket client, Func<Stream, Stream>? tls)
    {
        try
        {
            using var network = new NetworkStream(client, ownsSocket: true);
            using var stream = tls is null ? network : tls(network);
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
                var response = new HttpResponse(stream, input, request.KeepAlive);
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

}
