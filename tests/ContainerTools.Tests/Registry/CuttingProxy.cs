using System.Net;
using System.Net.Sockets;

namespace ContainerTools.Tests.Registry;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a registry that, while <see cref="CutAfter"/> is set, resets any connection
/// once it has carried that many bytes from the registry: a network failure in the middle of a download.
/// </summary>
public sealed class CuttingProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private int _cuts;

    public CuttingProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Bytes from the registry a connection may carry before it is reset; null passes everything.</summary>
    public long? CutAfter { get; set; }

    /// <summary>Connections reset so far.</summary>
    public int Cuts => _cuts;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => Relay(client));
        }
    }

    private async Task Relay(TcpClient client)
    {
        using var upstream = new TcpClient();
        using (client)
        {
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
                var limit = CutAfter;
                var toServer = Pump(client.GetStream(), upstream.GetStream(), null);
                var toClient = Pump(upstream.GetStream(), client.GetStream(), limit);
                var first = await Task.WhenAny(toServer, toClient);
                if (first == toClient && await toClient)
                {
                    Interlocked.Increment(ref _cuts);
                    client.Client.LingerState = new LingerOption(true, 0);
                    upstream.Client.LingerState = new LingerOption(true, 0);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>Copies until either side closes; true when it stopped because the limit was reached.</summary>
    private async Task<bool> Pump(NetworkStream from, NetworkStream to, long? limit)
    {
        var buffer = new byte[16 << 10];
        long total = 0;
        try
        {
            while (true)
            {
                var n = await from.ReadAsync(buffer, _stop.Token);
                if (n == 0)
                {
                    return false;
                }
                if (limit is { } max && total + n > max)
                {
                    var allowed = (int)(max - total);
                    await to.WriteAsync(buffer.AsMemory(0, allowed), _stop.Token);
                    return true;
                }
                total += n;
                await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }
}
