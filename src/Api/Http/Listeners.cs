using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Api.Http;

/// <summary>The sockets ctapi serves: its unix socket (made here, or handed over by systemd) and an optional TLS TCP one.</summary>
internal static class Listeners
{
    private const int FirstActivatedFd = 3; // SD_LISTEN_FDS_START

    /// <summary>Whether the unix socket's file is ours to delete at exit (not when systemd made it).</summary>
    public static bool OwnsPath { get; private set; }

    /// <summary>
    /// The socket systemd passed (LISTEN_PID is us, LISTEN_FDS at least 1), else null. As sd_listen_fds(1) does, the
    /// variables are cleared whatever they say (children such as ctmon must not take them for theirs) and the passed
    /// sockets are made close-on-exec (no container's monitor or exec keeps the listening socket). Only a unix stream
    /// socket is served: a TCP socket from a .socket unit would be plain TCP, which ctapi never serves.
    /// </summary>
    public static Socket? FromSystemd()
    {
        var pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        var count = Environment.GetEnvironmentVariable("LISTEN_FDS");
        Environment.SetEnvironmentVariable("LISTEN_PID", null);
        Environment.SetEnvironmentVariable("LISTEN_FDS", null);
        Environment.SetEnvironmentVariable("LISTEN_FDNAMES", null);
        if (pid is null || count is null || pid != Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)) return null;
        if (!int.TryParse(count, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1)
            throw new IOException($"LISTEN_FDS={count} is not a number of passed sockets.");
        for (var fd = FirstActivatedFd; fd < FirstActivatedFd + n; fd++)
        {
            try { FileDescriptors.SetCloseOnExec(fd); }
            catch (SystemCallException ex) { throw new IOException($"LISTEN_FDS={count}, but fd {fd} is not open: {ex.Message}", ex); }
        }
        var socket = new Socket(new SafeSocketHandle(FirstActivatedFd, ownsHandle: true));
        var (family, type) = (socket.AddressFamily, socket.SocketType);
        if (family != AddressFamily.Unix || type != SocketType.Stream)
        {
            socket.Dispose();
            throw new IOException($"the socket systemd passed is {family} {type}, not a unix stream socket (ListenStream=/path); TCP is served only with --tcp and TLS.");
        }
        return socket;
    }

    /// <summary>
    /// Listens on <paramref name="path"/>: a stale socket there is replaced (anything else is refused), mode 0660,
    /// group docker when that group exists (else root's own group: root only).
    /// </summary>
    public static Socket Unix(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        if (File.Exists(path) || Directory.Exists(path))
        {
            var info = new FileInfo(path);
            if ((info.Attributes & FileAttributes.Directory) != 0 || !IsSocket(path))
                throw new IOException($"{path} exists and is not a socket; not replacing it.");
            if (IsAnswering(path)) throw new IOException($"Another server already listens on {path}.");
            File.Delete(path);
        }
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        // Made with 0660 from the start: no moment where others could connect.
        var oldMask = UnixFiles.SetUmask(Convert.ToUInt32("117", 8));
        try { socket.Bind(new UnixDomainSocketEndPoint(path)); }
        finally { UnixFiles.SetUmask(oldMask); }
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        if (DockerGroupId() is { } gid) UnixFiles.SetOwner(path, 0, gid);
        socket.Listen(512);
        OwnsPath = true;
        return socket;
    }

    /// <summary>--tcp ADDR:PORT (an IP address and a port; tcp:// accepted): the endpoint, or a clear error.</summary>
    public static IPEndPoint TcpEndpoint(string address)
    {
        var text = address.StartsWith("tcp://", StringComparison.Ordinal) ? address["tcp://".Length..] : address;
        if (!IPEndPoint.TryParse(text, out var endpoint) || endpoint.Port == 0)
            throw new ArgumentException($"--tcp {address}: expected an IP address and a port, e.g. 127.0.0.1:2376 or [::1]:2376.");
        return endpoint;
    }

    /// <summary>Listens on <paramref name="endpoint"/> (plain: every connection goes through <see cref="Tls"/>'s wrapper).</summary>
    public static Socket Tcp(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endpoint);
            socket.Listen(512);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The --tcp listener's TLS: the server's certificate and key, and the CA whose certificates (for client
    /// authentication) clients must present, as dockerd's --tlsverify. Read before anything listens, so a wrong file is
    /// an error at start-up. The CA's name is sent in the handshake, so a client holding several certificates offers
    /// the right one.
    /// </summary>
    public static Func<Stream, Stream> Tls(string certificatePath, string keyPath, string caPath)
    {
        foreach (var (option, path) in new[] { ("--tls-cert", certificatePath), ("--tls-key", keyPath), ("--tls-ca", caPath) })
        {
            if (!File.Exists(path)) throw new IOException($"{option} {path}: no such file.");
        }
        X509Certificate2 certificate;
        var authority = new X509Certificate2Collection();
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            // Exported and re-imported: SslStream needs a key it can use on Linux.
            certificate = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // ArgumentException: a key that is not the certificate's.
            throw new IOException($"cannot use --tls-cert {certificatePath} with --tls-key {keyPath}: {ex.Message}", ex);
        }
        try { authority.ImportFromPemFile(caPath); }
        catch (CryptographicException ex) { throw new IOException($"cannot read --tls-ca {caPath}: {ex.Message}", ex); }
        if (authority.Count == 0) throw new IOException($"--tls-ca {caPath} holds no PEM certificate.");
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true,
                SslCertificateTrust.CreateForX509Collection(authority, sendTrustInHandshake: true)),
            ClientCertificateRequired = true,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, presented, chain, _) => IsClientOf(presented, chain, authority),
        };
        return stream =>
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            tls.AuthenticateAsServer(options);
            return tls;
        };
    }

    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>A client certificate chaining to the CA (no other root) and usable for client authentication.</summary>
    private static bool IsClientOf(X509Certificate? presented, X509Chain? sent, X509Certificate2Collection authority)
    {
        if (presented is null) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authority);
        if (sent is not null) chain.ChainPolicy.ExtraStore.AddRange(sent.ChainPolicy.ExtraStore);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClientAuthentication));
        return chain.Build(presented as X509Certificate2 ?? new X509Certificate2(presented));
    }

    private static bool IsSocket(string path) => UnixFiles.IsSocket(path);

    private static bool IsAnswering(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try { probe.Connect(new UnixDomainSocketEndPoint(path)); return true; }
        catch (SocketException) { return false; }
    }

    private static int? DockerGroupId()
    {
        try
        {
            foreach (var line in File.ReadLines("/etc/group"))
            {
                var fields = line.Split(':');
                if (fields.Length >= 3 && fields[0] == "docker" && int.TryParse(fields[2], out var gid)) return gid;
            }
        }
        catch (IOException) { }
        return null;
    }
}
