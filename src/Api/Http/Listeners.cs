using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace ContainerTools.Api.Http;

/// <summary>The sockets ctapi serves: its unix socket (made here, or handed over by systemd) and an optional TLS TCP one.</summary>
internal static class Listeners
{
    private const int FirstActivatedFd = 3; // SD_LISTEN_FDS_START

    /// <summary>Whether the unix socket's file is ours to delete at exit (not when systemd made it).</summary>
    public static bool OwnsPath { get; private set; }

    /// <summary>
    /// The socket systemd passed (LISTEN_PID is us, LISTEN_FDS at least 1), else null. The variables are cleared so
    /// children (ctmon) do not think they were activated too.
    /// </summary>
    public static Socket? FromSystemd()
    {
        var pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        var count = Environment.GetEnvironmentVariable("LISTEN_FDS");
        if (pid is null || count is null || pid != Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)) return null;
        Environment.SetEnvironmentVariable("LISTEN_PID", null);
        Environment.SetEnvironmentVariable("LISTEN_FDS", null);
        Environment.SetEnvironmentVariable("LISTEN_FDNAMES", null);
        if (!int.TryParse(count, out var n) || n < 1) return null;
        return new Socket(new SafeSocketHandle(FirstActivatedFd, ownsHandle: true));
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

    /// <summary>--tcp ADDR:PORT: listens and returns the TLS wrapper that requires a client certificate signed by <paramref name="caPath"/>.</summary>
    public static (Socket Socket, Func<Stream, Stream> Tls) Tcp(string address, string certificatePath, string keyPath, string caPath)
    {
        var endpoint = IPEndPoint.Parse(address);
        var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        // Exported and re-imported: SslStream needs a key it can use on Linux.
        certificate = new X509Certificate2(certificate.Export(X509ContentType.Pkcs12));
        var authority = new X509Certificate2Collection();
        authority.ImportFromPemFile(caPath);
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(endpoint);
        socket.Listen(512);
        return (socket, stream =>
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false, (_, presented, _, _) => IsSignedBy(presented, authority));
            tls.AuthenticateAsServer(new SslServerAuthenticationOptions
            {
                ServerCertificate = certificate,
                ClientCertificateRequired = true,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            });
            return tls;
        });
    }

    private static bool IsSignedBy(X509Certificate? presented, X509Certificate2Collection authority)
    {
        if (presented is null) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(presented));
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
