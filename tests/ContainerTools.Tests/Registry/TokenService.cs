using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace ContainerTools.Tests.Registry;

/// <summary>
/// A token service for the registry's token auth: issues RS256 JWTs whose header carries the signing certificate (x5c),
/// which the registry trusts through its rootcertbundle. Valid credentials get the actions they ask for; no credentials
/// get pull access only when <see cref="AnonymousPull"/>; wrong credentials get 401.
/// </summary>
public sealed class TokenService : IDisposable
{
    public const string ServiceName = "ct-test-registry";
    public const string Issuer = "ct-test-token-issuer";

    private readonly RSA _key = RSA.Create(2048);
    private readonly X509Certificate2 _certificate;
    private readonly string _user;
    private readonly string _password;
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly LoopbackHttpServer _server;

    public TokenService(string user, string password)
    {
        _user = user;
        _password = password;
        var request = new CertificateRequest("CN=ct-test-token-issuer", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        _server = new LoopbackHttpServer(HandleOr500);
    }

    public int Port => _server.Port;

    public string Realm => $"http://127.0.0.1:{Port}/token";

    public bool AnonymousPull { get; set; } = true;

    public string CertificatePem => _certificate.ExportCertificatePem() + "\n";

    /// <summary>The query strings of every token request.</summary>
    public IReadOnlyList<string> Requests => _requests.ToArray();

    public void Dispose()
    {
        _server.Dispose();
        _certificate.Dispose();
        _key.Dispose();
    }

    private void HandleOr500(HttpListenerContext context)
    {
        try
        {
            Handle(context);
        }
        catch (Exception)
        {
            context.Response.StatusCode = 500;
        }
    }

    private void Handle(HttpListenerContext context)
    {
        _requests.Enqueue(context.Request.Url!.Query);
        var authorized = false;
        var header = context.Request.Headers["Authorization"];
        if (header is not null)
        {
            var given = header.StartsWith("Basic ", StringComparison.Ordinal) ? Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])) : "";
            if (given != _user + ":" + _password)
            {
                context.Response.StatusCode = 401;
                return;
            }
            authorized = true;
        }
        var access = new List<object>();
        foreach (var scope in context.Request.QueryString.GetValues("scope") ?? [])
        {
            foreach (var one in scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = one.Split(':');
                if (parts.Length != 3)
                {
                    continue;
                }
                var actions = parts[2].Split(',').Where(a => authorized || (AnonymousPull && a == "pull")).ToArray();
                access.Add(new { type = parts[0], name = parts[1], actions });
            }
        }
        var token = Sign(new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["sub"] = authorized ? _user : "",
            ["aud"] = context.Request.QueryString["service"] ?? "",
            ["exp"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds(),
            ["nbf"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(),
            ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = access,
        });
        var body = JsonSerializer.SerializeToUtf8Bytes(new { token, expires_in = 300 });
        context.Response.ContentType = "application/json";
        context.Response.OutputStream.Write(body);
    }

    private string Sign(Dictionary<string, object> claims)
    {
        var header = new { typ = "JWT", alg = "RS256", x5c = new[] { Convert.ToBase64String(_certificate.RawData) } };
        var signingInput = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
