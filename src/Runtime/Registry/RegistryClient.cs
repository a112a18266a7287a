using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Oci;

namespace ContainerTools.Runtime.Registry;

/// <summary>
/// A client of one registry's Distribution v2 API (manifests, blobs, uploads, tags). Authentication follows the
/// registry's challenge: none, Basic, or Bearer tokens per scope; a request that is refused (401) is retried at most
/// once with fresh authorization, and refused again ends in RegistryAuthenticationFailed.
/// Thread-safe: a pull downloads several blobs at once through one client.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    /// <summary>Manifests and indexes larger than this are refused (the Distribution reference implementation's own limit).</summary>
    public const int MaxManifestSize = 4 << 20;

    private static readonly string[] ManifestMediaTypes = [MediaTypes.OciManifest, MediaTypes.OciIndex, MediaTypes.DockerManifest, MediaTypes.DockerManifestList];

    private readonly HttpClient _http;
    private readonly TokenAuthenticator _tokens;
    private readonly object _pingLock = new();
    private Uri? _base;
    private volatile AuthChallenge? _challenge;

    public RegistryClient(RegistryEndpoint endpoint, RegistryCredential? credential)
    {
        Endpoint = endpoint;
        Credential = credential;
        _http = RegistryTransport.CreateClient(endpoint.Security == EndpointSecurity.Insecure ? endpoint.ApiHost : null);
        _tokens = new TokenAuthenticator(_http, credential);
    }

    public RegistryEndpoint Endpoint { get; }

    public RegistryCredential? Credential { get; }

    /// <summary>Tokens fetched so far (each scope's token is reused until it expires).</summary>
    public int TokensFetched => _tokens.TokensFetched;

    /// <summary>The URL the API is reached at (https://host/v2/ or, for insecure registries without TLS, http://host/v2/).</summary>
    public Uri BaseUri
    {
        get
        {
            EnsurePinged(CancellationToken.None);
            return _base!;
        }
    }

    /// <summary>
    /// Proves the credentials against GET /v2/ (docker login does the same): Basic is sent as is, Bearer goes through the
    /// token service without a scope. Throws RegistryAuthenticationFailed when they are refused.
    /// </summary>
    public void VerifyLogin(CancellationToken cancellationToken)
    {
        EnsurePinged(cancellationToken);
        using var response = Send(() => new HttpRequestMessage(HttpMethod.Get, _base), [], cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw RegistryErrors.Unexpected(response, "GET /v2/", Endpoint.Registry, RegistryTransport.TryReadSmall(response, cancellationToken));
        }
    }

    /// <summary>GET a manifest or index by tag or digest; by digest, the content must hash to it.</summary>
    public RegistryManifest GetManifest(string repository, string reference, CancellationToken cancellationToken)
    {
        var name = repository + (ImageReferenceDigest(reference) ? "@" : ":") + reference;
        using var response = Send(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, Url($"{repository}/manifests/{reference}"));
            foreach (var mediaType in ManifestMediaTypes)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
            }
            return request;
        }, [RegistryScope.Pull(repository)], cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw RegistryErrors.ImageNotFound($"{Endpoint.Registry}/{name}", Detail(response, cancellationToken));
        }
        EnsureSuccess(response, $"GET manifest {name}", cancellationToken);
        var content = RegistryTransport.ReadLimited(response, MaxManifestSize, "manifest", $"{Endpoint.Registry}/{name}", cancellationToken);
        var digest = Digest.Of(content);
        if (ImageReferenceDigest(reference) && digest != reference)
        {
            throw new ContainerToolsException(ErrorIds.DigestMismatch, $"The manifest served for {name} hashes to {digest}.", reference);
        }
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var promised) && promised.FirstOrDefault() is { } header
            && Digest.IsValid(header) && header != digest)
        {
            throw new ContainerToolsException(ErrorIds.DigestMismatch, $"The manifest served for {name} hashes to {digest}, but the registry says it is {header}.", name);
        }
        return new RegistryManifest(content, MediaTypeOf(response, content, name), digest);
    }

    /// <summary>HEAD a blob: whether the repository already has it.</summary>
    public bool BlobExists(string repository, string digest, CancellationToken cancellationToken)
    {
        using var response = Send(() => new HttpRequestMessage(HttpMethod.Head, Url($"{repository}/blobs/{digest}")), [RegistryScope.Pull(repository)], cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        EnsureSuccess(response, $"HEAD blob {digest}", cancellationToken);
        return true;
    }

    /// <summary>GET a blob (following redirects, e.g. to a storage service); the caller verifies and disposes the stream.</summary>
    public Stream OpenBlob(string repository, string digest, CancellationToken cancellationToken)
    {
        var response = Send(() => new HttpRequestMessage(HttpMethod.Get, Url($"{repository}/blobs/{digest}")), [RegistryScope.Pull(repository)], cancellationToken);
        try
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new ContainerToolsException(ErrorIds.BlobNotFoundInRegistry, $"The registry {Endpoint.Registry} has no blob {digest} in {repository}.", digest);
            }
            EnsureSuccess(response, $"GET blob {digest}", cancellationToken);
            return new IdleTimeoutStream(response.Content.ReadAsStream(cancellationToken), RegistryTransport.IdleTimeout, cancellationToken, response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Every tag of a repository (following the Link header's pages).</summary>
    public IReadOnlyList<string> ListTags(string repository, CancellationToken cancellationToken)
    {
        EnsurePinged(cancellationToken);
        var tags = new List<string>();
        var next = Url($"{repository}/tags/list?n=1000");
        for (var page = 0; next is not null && page < 1000; page++)
        {
            var url = next;
            using var response = Send(() => new HttpRequestMessage(HttpMethod.Get, url), [RegistryScope.Pull(repository)], cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw RegistryErrors.ImageNotFound($"{Endpoint.Registry}/{repository}", "the repository does not exist");
            }
            EnsureSuccess(response, $"GET tags of {repository}", cancellationToken);
            var body = RegistryTransport.ReadLimited(response, MaxManifestSize, "tag list", Endpoint.Registry, cancellationToken);
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.TryGetProperty("tags", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    tags.AddRange(list.EnumerateArray().Select(t => t.GetString()).OfType<string>());
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                throw new ContainerToolsException(ErrorIds.InvalidDocument, $"The tag list of {repository} is not valid JSON: {ex.Message}", repository, ex);
            }
            next = NextPage(response, url);
        }
        return tags.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Asks the registry to mount a blob from another of its repositories: null when it did (201), otherwise the upload
    /// session it opened instead (202), to upload into.
    /// </summary>
    public Uri? MountBlob(string repository, string digest, string fromRepository, CancellationToken cancellationToken)
    {
        using var response = Send(() => new HttpRequestMessage(HttpMethod.Post,
                Url($"{repository}/blobs/uploads/?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(fromRepository)}")) { Content = new ByteArrayContent([]) },
            [RegistryScope.PullPush(repository), RegistryScope.Pull(fromRepository)], cancellationToken);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            return null;
        }
        EnsureStatus(response, HttpStatusCode.Accepted, $"mount {digest} from {fromRepository}", cancellationToken);
        return LocationOf(response);
    }

    /// <summary>POST /v2/NAME/blobs/uploads/: opens an upload session and returns its location.</summary>
    public Uri StartUpload(string repository, CancellationToken cancellationToken)
    {
        using var response = Send(() => new HttpRequestMessage(HttpMethod.Post, Url($"{repository}/blobs/uploads/")) { Content = new ByteArrayContent([]) },
            [RegistryScope.PullPush(repository)], cancellationToken);
        EnsureStatus(response, HttpStatusCode.Accepted, "start an upload", cancellationToken);
        return LocationOf(response);
    }

    /// <summary>Uploads a whole blob in one PUT location?digest=.</summary>
    public void UploadWhole(string repository, Uri location, string digest, long size, Func<Stream> open, CancellationToken cancellationToken)
    {
        using var response = Send(() =>
        {
            var content = new StreamContent(open(), 1 << 16);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Headers.ContentLength = size;
            return new HttpRequestMessage(HttpMethod.Put, WithDigest(location, digest)) { Content = content };
        }, [RegistryScope.PullPush(repository)], cancellationToken);
        EnsureStatus(response, HttpStatusCode.Created, $"upload {digest}", cancellationToken);
    }

    /// <summary>Uploads a blob as PATCH chunks of <paramref name="chunkSize"/> bytes with Content-Range, then closes it with PUT ?digest=.</summary>
    public void UploadChunks(string repository, Uri location, string digest, long size, Func<Stream> open, long chunkSize, Action<long>? uploaded, CancellationToken cancellationToken)
    {
        var buffer = new byte[(int)Math.Min(chunkSize, Math.Max(size, 1))];
        using (var source = open())
        {
            for (long offset = 0; offset < size;)
            {
                var length = (int)Math.Min(buffer.Length, size - offset);
                source.ReadExactly(buffer, 0, length);
                var start = offset;
                var current = location;
                using var response = Send(() =>
                {
                    var content = new ByteArrayContent(buffer, 0, length);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    content.Headers.ContentLength = length;
                    var request = new HttpRequestMessage(HttpMethod.Patch, current) { Content = content };
                    request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{start + length - 1}");
                    return request;
                }, [RegistryScope.PullPush(repository)], cancellationToken);
                EnsureStatus(response, HttpStatusCode.Accepted, $"upload a chunk of {digest}", cancellationToken);
                location = LocationOf(response);
                offset += length;
                uploaded?.Invoke(offset);
            }
        }
        var final = location;
        using var closing = Send(() => new HttpRequestMessage(HttpMethod.Put, WithDigest(final, digest)) { Content = new ByteArrayContent([]) },
            [RegistryScope.PullPush(repository)], cancellationToken);
        EnsureStatus(closing, HttpStatusCode.Created, $"finish the upload of {digest}", cancellationToken);
    }

    /// <summary>PUT a manifest under a tag or its digest; returns the digest the registry gives it.</summary>
    public string PutManifest(string repository, string reference, byte[] content, string mediaType, CancellationToken cancellationToken)
    {
        using var response = Send(() =>
        {
            var body = new ByteArrayContent(content);
            body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return new HttpRequestMessage(HttpMethod.Put, Url($"{repository}/manifests/{reference}")) { Content = body };
        }, [RegistryScope.PullPush(repository)], cancellationToken);
        EnsureStatus(response, HttpStatusCode.Created, $"PUT manifest {repository}:{reference}", cancellationToken);
        var digest = Digest.Of(content);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { } header && Digest.IsValid(header) && header != digest)
        {
            throw new ContainerToolsException(ErrorIds.DigestMismatch, $"The registry stored the manifest as {header}, expected {digest}.", digest);
        }
        return digest;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// Sends a request (built afresh for a retry), authorized for <paramref name="scopes"/> as the registry's challenge
    /// asks. One 401 leads to one retry with fresh authorization; a second is RegistryAuthenticationFailed.
    /// </summary>
    private HttpResponseMessage Send(Func<HttpRequestMessage> build, IReadOnlyCollection<string> scopes, CancellationToken cancellationToken)
    {
        EnsurePinged(cancellationToken);
        var response = SendOnce(build, scopes, fresh: false, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }
        var sentBasic = _challenge is { IsBasic: true } && Credential is not null;
        var challenge = ChallengeOf(response);
        response.Dispose();
        // Basic credentials that were refused would be refused again; only a Bearer token can be renewed.
        if (challenge is null || !(challenge.IsBearer || challenge.IsBasic) || (challenge.IsBasic && (Credential is null || sentBasic)))
        {
            throw RegistryErrors.AuthenticationFailed(Endpoint.Registry, Credential);
        }
        _challenge = challenge;
        var wanted = scopes.ToList();
        if (challenge.Scope is { Length: > 0 } asked)
        {
            wanted.AddRange(asked.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(s => !wanted.Contains(s)));
        }
        response = SendOnce(build, wanted, fresh: true, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw RegistryErrors.AuthenticationFailed(Endpoint.Registry, Credential);
        }
        return response;
    }

    private HttpResponseMessage SendOnce(Func<HttpRequestMessage> build, IReadOnlyCollection<string> scopes, bool fresh, CancellationToken cancellationToken)
    {
        var request = build();
        try
        {
            var challenge = _challenge;
            if (challenge is { IsBearer: true })
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens.GetToken(challenge, scopes, fresh, cancellationToken));
            }
            else if (challenge is { IsBasic: true } && Credential is not null)
            {
                request.Headers.Authorization = TokenAuthenticator.BasicHeader(Credential);
            }
            return RegistryTransport.Send(_http, request, HttpCompletionOption.ResponseHeadersRead, Endpoint.Registry, cancellationToken);
        }
        finally
        {
            // The response keeps what it needs; the request's content (a file stream) is closed now.
            request.Content?.Dispose();
        }
    }

    /// <summary>
    /// GET /v2/ once per client: it tells which scheme works (insecure registries: HTTPS, else plain HTTP) and which
    /// authentication the registry wants.
    /// </summary>
    private void EnsurePinged(CancellationToken cancellationToken)
    {
        lock (_pingLock)
        {
            if (_base is not null)
            {
                return;
            }
            var schemes = Endpoint.Security switch
            {
                EndpointSecurity.Https => new[] { "https" },
                EndpointSecurity.Http => ["http"],
                _ => ["https", "http"],
            };
            for (var i = 0; i < schemes.Length; i++)
            {
                var candidate = new Uri($"{schemes[i]}://{Endpoint.ApiHost}/v2/");
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, candidate);
                    using var response = RegistryTransport.Send(_http, request, HttpCompletionOption.ResponseHeadersRead, Endpoint.Registry, cancellationToken);
                    if (response.StatusCode == HttpStatusCode.Unauthorized)
                    {
                        _challenge = ChallengeOf(response);
                    }
                    _base = candidate;
                    return;
                }
                catch (ContainerToolsException) when (i + 1 < schemes.Length)
                {
                    // Not TLS (or not reachable over it): an insecure registry is tried over plain HTTP next.
                }
            }
        }
    }

    private Uri Url(string path) => new(_base!, path);

    private static AuthChallenge? ChallengeOf(HttpResponseMessage response) =>
        response.Headers.WwwAuthenticate
            .Select(h => AuthChallenge.Parse(h.ToString()))
            .OfType<AuthChallenge>()
            .OrderByDescending(c => c.IsBearer)
            .FirstOrDefault(c => c.IsBearer || c.IsBasic);

    private void EnsureSuccess(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw RegistryErrors.Unexpected(response, what, Endpoint.Registry, RegistryTransport.TryReadSmall(response, cancellationToken));
        }
    }

    private void EnsureStatus(HttpResponseMessage response, HttpStatusCode expected, string what, CancellationToken cancellationToken)
    {
        if (response.StatusCode != expected)
        {
            throw RegistryErrors.Unexpected(response, what, Endpoint.Registry, RegistryTransport.TryReadSmall(response, cancellationToken));
        }
    }

    private static string? Detail(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var message = RegistryErrors.RegistryMessage(RegistryTransport.TryReadSmall(response, cancellationToken)).Trim(' ', '(', ')');
        return message.Length == 0 ? null : message;
    }

    private Uri LocationOf(HttpResponseMessage response)
    {
        var location = response.Headers.Location
            ?? throw new ContainerToolsException(ErrorIds.InvalidRegistryResponse, $"The registry {Endpoint.Registry} opened an upload without a Location.", Endpoint.Registry);
        return location.IsAbsoluteUri ? location : new Uri(response.RequestMessage?.RequestUri ?? _base!, location);
    }

    private static Uri WithDigest(Uri location, string digest)
    {
        var builder = new UriBuilder(location);
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length > 0 ? query + "&" : "") + "digest=" + Uri.EscapeDataString(digest);
        return builder.Uri;
    }

    private static Uri? NextPage(HttpResponseMessage response, Uri current)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }
        foreach (var link in links)
        {
            var open = link.IndexOf('<');
            var close = link.IndexOf('>');
            if (open >= 0 && close > open && link.Contains("rel=\"next\"", StringComparison.Ordinal))
            {
                return new Uri(current, link[(open + 1)..close]);
            }
        }
        return null;
    }

    /// <summary>The manifest's media type: the Content-Type when it names a supported one, else the document's own mediaType field.</summary>
    private static string MediaTypeOf(HttpResponseMessage response, byte[] content, string name)
    {
        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (contentType is not null && ManifestMediaTypes.Contains(contentType))
        {
            return contentType;
        }
        string? declared = null;
        var isIndex = false;
        try
        {
            using var doc = JsonDocument.Parse(content);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (doc.RootElement.TryGetProperty("mediaType", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    declared = m.GetString();
                }
                isIndex = doc.RootElement.TryGetProperty("manifests", out _);
            }
        }
        catch (JsonException ex)
        {
            throw new ContainerToolsException(ErrorIds.InvalidDocument, $"The manifest of {name} is not valid JSON: {ex.Message}", name, ex);
        }
        if (declared is not null && ManifestMediaTypes.Contains(declared))
        {
            return declared;
        }
        if (declared is null && (contentType is null or "application/json" or "text/plain" or "application/octet-stream"))
        {
            return isIndex ? MediaTypes.OciIndex : MediaTypes.OciManifest;
        }
        throw new ContainerToolsException(ErrorIds.UnsupportedManifest, $"The manifest of {name} is of type '{declared ?? contentType}'; only OCI and Docker v2 schema 2 manifests and indexes are supported.", name);
    }

    private static bool ImageReferenceDigest(string reference) => reference.StartsWith(Digest.Sha256Prefix, StringComparison.Ordinal);
}
