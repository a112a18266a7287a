using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Tests.Registry;

/// <summary>
/// A real Distribution registry (Debian's docker-registry 2.8) on a free 127.0.0.1 port with its own storage directory,
/// optionally behind htpasswd Basic auth or token auth. Its access log is kept so tests can count requests.
/// Dispose kills the process and deletes the directory.
/// </summary>
public sealed class LocalRegistry : IDisposable
{
    public const string Binary = "/usr/bin/docker-registry";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private LocalRegistry(string directory, int port, Process process)
    {
        Directory = directory;
        Port = port;
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _log.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _log.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Directory { get; }

    public int Port { get; }

    /// <summary>host:port, the registry part of image references.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public string StorageDirectory => Path.Combine(Directory, "storage");

    public IReadOnlyList<string> Log => _log.ToArray();

    /// <summary>Plain HTTP, no authentication.</summary>
    public static LocalRegistry Start() => Start(auth: null);

    /// <summary>Basic authentication with one user (htpasswd file, bcrypt).</summary>
    public static LocalRegistry StartWithBasicAuth(string user, string password) => Start(directory =>
    {
        var file = Path.Combine(directory, "htpasswd");
        Fixtures.TestImages.Run("htpasswd", "-Bbc", file, user, password);
        return $"  htpasswd:\n    realm: test-realm\n    path: {file}\n";
    });

    /// <summary>Token authentication: clients fetch JWTs from <paramref name="tokenService"/>.</summary>
    public static LocalRegistry StartWithTokenAuth(TokenService tokenService) => Start(directory =>
    {
        var bundle = Path.Combine(directory, "token-ca.pem");
        File.WriteAllText(bundle, tokenService.CertificatePem);
        return $"  token:\n    realm: {tokenService.Realm}\n    service: {TokenService.ServiceName}\n    issuer: {TokenService.Issuer}\n    rootcertbundle: {bundle}\n";
    });

    private static LocalRegistry Start(Func<string, string>? auth)
    {
        var directory = Path.Combine(Path.GetTempPath(), "ct-registry-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "storage"));
        for (var attempt = 0; ; attempt++)
        {
            var port = LoopbackHttpServer.FreePort();
            var config = Path.Combine(directory, "config.yml");
            File.WriteAllText(config, $"""
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: {Path.Combine(directory, "storage")}
                  delete:
                    enabled: true
                  maintenance:
                    uploadpurging:
                      enabled: false
                http:
                  addr: 127.0.0.1:{port}
                  secret: containertools-tests
                """ + "\n" + (auth is null ? "" : "auth:\n" + auth(directory)));
            var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("serve");
            start.ArgumentList.Add(config);
            var process = Process.Start(start)!;
            var registry = new LocalRegistry(directory, port, process);
            if (registry.WaitUntilServing())
            {
                return registry;
            }
            var log = string.Join('\n', registry.Log);
            registry.Kill();
            if (attempt >= 2)
            {
                DirectoryRemover.TryRemove(directory);
                throw new InvalidOperationException($"docker-registry did not start: {log}");
            }
        }
    }

    /// <summary>Access-log lines (the registry logs every request) whose request line contains all of <paramref name="parts"/>.</summary>
    public int CountRequests(params string[] parts) =>
        _log.Count(line => line.Contains("\"", StringComparison.Ordinal) && line.Contains(" HTTP/1.1\"", StringComparison.Ordinal) && parts.All(p => line.Contains(p, StringComparison.Ordinal)));

    /// <summary>
    /// <see cref="CountRequests"/> once the registry has logged everything sent so far: it waits for the log line of a
    /// sentinel request sent after them.
    /// </summary>
    public int SettledCountRequests(params string[] parts)
    {
        var sentinel = $"/v2/sentinel-{Guid.NewGuid():N}/tags/list";
        using (var http = new HttpClient())
        {
            http.GetAsync($"http://{Host}{sentinel}").GetAwaiter().GetResult().Dispose();
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (CountRequests(sentinel) == 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }
        return CountRequests(parts);
    }

    /// <summary>The file the registry serves a blob from (tests tamper with it).</summary>
    public string BlobDataPath(string digest)
    {
        var hex = digest["sha256:".Length..];
        return Path.Combine(StorageDirectory, "docker", "registry", "v2", "blobs", "sha256", hex[..2], hex, "data");
    }

    public void Dispose()
    {
        Kill();
        DirectoryRemover.TryRemove(Directory);
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    private bool WaitUntilServing()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                return false;
            }
            try
            {
                using var response = http.GetAsync($"http://{Host}/v2/").GetAwaiter().GetResult();
                return true;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Thread.Sleep(50);
            }
        }
        return false;
    }
}
