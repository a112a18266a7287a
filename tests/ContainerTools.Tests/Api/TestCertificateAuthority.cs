using System.Diagnostics;

namespace ContainerTools.Tests.Api;

/// <summary>A PEM certificate and its key, as files (what dockerd's and ctapi's --tls* options and the docker CLI take).</summary>
public sealed record PemPair(string Certificate, string Key);

/// <summary>
/// A throwaway CA made with openssl in a directory of the test's (deleted with it), issuing server and client
/// certificates as Docker's "protect the daemon socket" guide does: the server's names the address clients dial
/// (subjectAltName IP), a client's is for client authentication only.
/// </summary>
public sealed class TestCertificateAuthority
{
    private const string OpenSsl = "/usr/bin/openssl";
    private readonly string _directory;
    private readonly string _name;

    public TestCertificateAuthority(string directory, string name)
    {
        _directory = directory;
        _name = name;
        Directory.CreateDirectory(directory);
        var config = Write($"{name}-ca.cnf", $"""
            [req]
            distinguished_name = dn
            prompt = no
            x509_extensions = ca
            [dn]
            CN = ContainerTools test CA {name}
            [ca]
            basicConstraints = critical, CA:TRUE
            keyUsage = critical, keyCertSign, cRLSign
            subjectKeyIdentifier = hash
            """);
        Authority = new PemPair(Path.Combine(directory, $"{name}-ca.pem"), Path.Combine(directory, $"{name}-ca-key.pem"));
        Run("req", "-x509", "-config", config, "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-noenc",
            "-keyout", Authority.Key, "-out", Authority.Certificate, "-days", "2");
    }

    /// <summary>The CA's certificate (--tls-ca, --tlscacert) and key.</summary>
    public PemPair Authority { get; }

    /// <summary>A server certificate for 127.0.0.1 (what `docker -H tcp://127.0.0.1:PORT --tlsverify` checks).</summary>
    public PemPair IssueServer(string name) =>
        Issue(name, "extendedKeyUsage = serverAuth\nsubjectAltName = IP:127.0.0.1");

    /// <summary>A certificate for client authentication.</summary>
    public PemPair IssueClient(string name) => Issue(name, "extendedKeyUsage = clientAuth");

    private PemPair Issue(string name, string extensions)
    {
        var pair = new PemPair(Path.Combine(_directory, $"{_name}-{name}.pem"), Path.Combine(_directory, $"{_name}-{name}-key.pem"));
        var request = Path.Combine(_directory, $"{_name}-{name}.csr");
        var extensionFile = Write($"{_name}-{name}.ext", $"basicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature\n{extensions}\n");
        Run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-noenc", "-subj", $"/CN={name}",
            "-keyout", pair.Key, "-out", request);
        Run("x509", "-req", "-in", request, "-CA", Authority.Certificate, "-CAkey", Authority.Key,
            "-set_serial", "0x" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)),
            "-days", "2", "-extfile", extensionFile, "-out", pair.Certificate);
        return pair;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text + "\n");
        return path;
    }

    private static void Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(OpenSsl) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} failed ({process.ExitCode}): {output}{error.Result}");
    }
}
