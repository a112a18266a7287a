using System.Net;
using System.Net.Sockets;

namespace ContainerTools.Tests.Registry;

/// <summary>
/// An HttpListener on 127.0.0.1 at a free port that hands each request to a handler and closes the response after it.
/// Dispose stops listening and waits briefly for the serving loop.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Action<HttpListenerContext> _handle;
    private readonly Task _serving;

    public LoopbackHttpServer(Action<HttpListenerContext> handle)
    {
        _handle = handle;
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(Serve);
    }

    public int Port { get; }

    /// <summary>A loopback TCP port nothing listens on at the moment of asking.</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

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
                _handle(context);
            }
            finally
            {
                try { context.Response.Close(); } catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException) { }
            }
        }
    }
}
