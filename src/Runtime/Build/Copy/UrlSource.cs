using System.Security.Cryptography;
using ContainerTools.Runtime.Build.Dockerfile;

namespace ContainerTools.Runtime.Build.Copy;

/// <summary>
/// ADD of an http(s) URL: downloaded into the build's scratch space as a file named by the URL's last path segment,
/// mode 0600 and the server's Last-Modified time, as Docker does; never unpacked. --checksum=sha256:HEX is verified.
/// </summary>
public static class UrlSource
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromMinutes(10) };

    public static CopySource Download(string url, string? checksum, string scratch, DockerfileLine line, CancellationToken cancellationToken)
    {
        if (checksum is not null && (!checksum.StartsWith("sha256:", StringComparison.Ordinal) || !Oci.Digest.IsValid(checksum)))
        {
            throw DockerfileError.At(line, $"--checksum={checksum}: expected sha256:<64 hex digits>", "BadFlag");
        }
        var directory = Path.Combine(scratch, $"url-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var name = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? Path.GetFileName(uri.AbsolutePath) : "";
        if (name.Length == 0)
        {
            name = "download";
        }
        var path = Path.Combine(directory, name);
        try
        {
            using var response = Client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
            {
                throw DockerfileError.At(line, $"downloading {url} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}", "DownloadFailed");
            }
            using (var input = response.Content.ReadAsStream(cancellationToken))
            using (var output = File.Create(path))
            {
                input.CopyTo(output);
            }
            if (checksum is not null)
            {
                using var stream = File.OpenRead(path);
                var actual = Oci.Digest.FromHash(SHA256.HashData(stream));
                if (actual != checksum)
                {
                    throw DockerfileError.At(line, $"the checksum of {url} is {actual}, not {checksum}", "ChecksumMismatch");
                }
            }
            OciRuntime.Linux.FileNodes.SetMode(OciRuntime.Linux.FileDescriptors.CurrentDirectory, path, 0b110_000_000);
            if (response.Content.Headers.LastModified is { } modified)
            {
                File.SetLastWriteTimeUtc(path, modified.UtcDateTime);
            }
        }
        catch (HttpRequestException ex)
        {
            throw DockerfileError.At(line, $"downloading {url} failed: {ex.Message}", "DownloadFailed");
        }
        return new CopySource(directory, name, false);
    }
}
