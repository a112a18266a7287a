using System.Net.Security;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Registry;

/// <summary>
/// HTTP plumbing shared by the registry client and the token flow: one HttpClient per registry conversation, and every
/// network failure (refused, reset, TLS, cut mid-body, stalled) turned into RegistryConnectionFailed.
/// </summary>
internal static class RegistryTransport
{
    /// <summary>A read that waits longer than this for the next byte fails: a stalled connection must not hang a pull.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);

    public static HttpClient CreateClient(string? insecureAuthority)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 10,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        if (insecureAuthority is not null)
        {
            // Insecure registries are reached without certificate checks, and only they: a token realm or a redirect
            // target on another host is still verified.
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                    errors == SslPolicyErrors.None || (sender is SslStream ssl && string.Equals(ssl.TargetHostName, RegistryConfig.HostOf(insecureAuthority), StringComparison.OrdinalIgnoreCase)),
            };
        }
        var client = new HttpClient(handler, disposeHandler: true) { Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("ContainerTools/0.1");
        return client;
    }

    public static HttpResponseMessage Send(HttpClient http, HttpRequestMessage request, HttpCompletionOption completion, string target, CancellationToken cancellationToken)
    {
        try
        {
            return http.Send(request, completion, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            throw RegistryErrors.ConnectionFailed(target, ex);
        }
    }

    /// <summary>The whole body, refused with <paramref name="what"/>TooLarge-style InvalidData when it exceeds <paramref name="limit"/>.</summary>
    public static byte[] ReadLimited(HttpResponseMessage response, int limit, string what, string target, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is long declared && declared > limit)
        {
            throw TooLarge(what, target, limit);
        }
        try
        {
            using var stream = new IdleTimeoutStream(response.Content.ReadAsStream(cancellationToken), IdleTimeout, cancellationToken);
            using var memory = new MemoryStream();
            var buffer = new byte[1 << 16];
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                memory.Write(buffer, 0, n);
                if (memory.Length > limit)
                {
                    throw TooLarge(what, target, limit);
                }
            }
            return memory.ToArray();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            throw RegistryErrors.ConnectionFailed(target, ex);
        }
    }

    /// <summary>A body that is read best effort (error messages): empty when it cannot be read.</summary>
    public static byte[] TryReadSmall(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return ReadLimited(response, 64 << 10, "error body", "", cancellationToken);
        }
        catch (ContainerToolsException)
        {
            return [];
        }
    }

    private static ContainerToolsException TooLarge(string what, string target, int limit) =>
        new(ErrorIds.RegistryResponseTooLarge, $"The {what} from {target} is larger than {limit / (1 << 20)} MiB; refusing it.", target);
}

/// <summary>
/// A read-only wrapper whose reads fail (IOException) after a period without data, and whose failures from the network
/// surface as IOException, which the pull maps to RegistryConnectionFailed.
/// </summary>
internal sealed class IdleTimeoutStream : ReadOnlyForwardStream
{
    private readonly Stream _inner;
    private readonly TimeSpan _idle;
    private readonly CancellationToken _cancellationToken;
    private readonly IDisposable? _owner;

    /// <param name="owner">Disposed with the stream: the HTTP response the body belongs to.</param>
    public IdleTimeoutStream(Stream inner, TimeSpan idle, CancellationToken cancellationToken, IDisposable? owner = null)
    {
        _inner = inner;
        _idle = idle;
        _cancellationToken = cancellationToken;
        _owner = owner;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadCore(buffer.AsMemory(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var n = ReadCore(rented.AsMemory(0, buffer.Length));
            rented.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private int ReadCore(Memory<byte> buffer)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken);
        timeout.CancelAfter(_idle);
        try
        {
            return _inner.ReadAsync(buffer, timeout.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException ex) when (!_cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"No data arrived for {_idle.TotalSeconds:0} seconds.", ex);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _owner?.Dispose();
        }
        base.Dispose(disposing);
    }
}
