using System.Net;
using System.Net.Sockets;
using ContainerTools.Api.Http;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Api;

/// <summary>
/// ctapi [--socket PATH] [--root STORE] [--tcp ADDR:PORT --tls-cert PEM --tls-key PEM --tls-ca PEM]
/// Serves the Docker Engine API for one store (CONTAINERTOOLS_ROOT, else /var/lib/containertools) on a unix socket
/// (default /run/containertools/docker.sock, or the one systemd passes), and on TCP only with TLS and client
/// certificates. See docs/api.md.
/// </summary>
internal static class Program
{
    public const string DefaultSocket = "/run/containertools/docker.sock";

    private static int Main(string[] args)
    {
        var trace = false;
        string? socketPath = null, root = null, tcp = null, cert = null, key = null, ca = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--socket" or "-H": socketPath = Next(); break;
                    case "--root": root = Next(); break;
                    case "--debug": trace = true; break;
                    case "--tcp": tcp = Next(); break;
                    case "--tls-cert": cert = Next(); break;
                    case "--tls-key": key = Next(); break;
                    case "--tls-ca": ca = Next(); break;
                    case "--help" or "-h": return Usage(0);
                    default: return Usage(2);
                }
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine($"ctapi: {ex.Message}");
                return 2;
            }
        }
        if (socketPath?.StartsWith("unix://", StringComparison.Ordinal) == true) socketPath = socketPath["unix://".Length..];
        if (tcp is not null && (cert is null || key is null || ca is null))
        {
            Console.Error.WriteLine("ctapi: --tcp needs --tls-cert, --tls-key and --tls-ca (clients must present a certificate signed by that CA); plain TCP is never served.");
            return 2;
        }
        if (tcp is null && (cert ?? key ?? ca) is not null)
        {
            Console.Error.WriteLine("ctapi: --tls-cert, --tls-key and --tls-ca are for --tcp ADDR:PORT, which is missing.");
            return 2;
        }
        IPEndPoint? endpoint = null;
        try { endpoint = tcp is null ? null : Listeners.TcpEndpoint(tcp); }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"ctapi: {ex.Message}");
            return 2;
        }

        var log = (string message) => Console.Error.WriteLine($"ctapi: {message}");
        var store = root is null ? StoreRoot.FromEnvironment() : new StoreRoot(root);
        // The engine's children (ctcleanup run by ctmon) find the store the same way.
        Environment.SetEnvironmentVariable(StoreRoot.EnvironmentVariable, store.Path);
        var engine = new ApiEngine(store, log);
        var application = new ApiApplication(engine) { Trace = trace };
        var server = new HttpServer(application.Dispatch, log);

        // Everything that can fail (the TLS files, the TCP port, the unix socket) before anything is served; a failure
        // leaves no socket behind.
        Socket? tcpListener = null;
        Socket unix;
        Func<Stream, Stream>? tls = null;
        var serving = "";
        try
        {
            if (endpoint is not null)
            {
                serving = $"--tcp {endpoint}";
                tls = Listeners.Tls(cert!, key!, ca!);
                tcpListener = Listeners.Tcp(endpoint);
            }
            serving = "the socket systemd passed";
            var activated = Listeners.FromSystemd();
            if (activated is null) serving = socketPath ?? DefaultSocket;
            unix = activated ?? Listeners.Unix(serving);
        }
        catch (Exception ex) when (ex is IOException or SocketException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            tcpListener?.Dispose();
            Console.Error.WriteLine($"ctapi: cannot listen on {serving}: {ex.Message}");
            return 1;
        }
        var listeners = new List<Socket> { unix };
        if (tcpListener is not null)
        {
            listeners.Add(tcpListener);
            new Thread(() => server.Serve(tcpListener, tls)) { IsBackground = true, Name = "ctapi tcp" }.Start();
            serving += $" and on {endpoint} (TLS; clients need a certificate signed by {ca})";
        }

        using var stop = new ManualResetEventSlim();
        void Shutdown()
        {
            foreach (var listener in listeners) { try { listener.Dispose(); } catch (Exception) { } }
            if (Listeners.OwnsPath) { try { File.Delete(socketPath ?? DefaultSocket); } catch (IOException) { } }
            stop.Set();
        }
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; Shutdown(); });
        using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; Shutdown(); });
        new Thread(() => server.Serve(unix)) { IsBackground = true, Name = "ctapi unix" }.Start();
        Console.Error.WriteLine($"ctapi: serving {store.Path} on {serving}");
        stop.Wait();
        return 0;
    }

    private static int Usage(int code)
    {
        (code == 0 ? Console.Out : Console.Error).WriteLine(
            $"usage: ctapi [--socket PATH] [--root STORE] [--debug] [--tcp ADDR:PORT --tls-cert PEM --tls-key PEM --tls-ca PEM]\n" +
            $"  --socket defaults to {DefaultSocket}, or the socket systemd passes (LISTEN_FDS); --root to CONTAINERTOOLS_ROOT, else {StoreRoot.DefaultPath}.");
        return code;
    }
}
