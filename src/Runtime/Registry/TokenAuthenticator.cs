using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Registry;

/// <summary>
/// The Bearer token flow of the Distribution auth spec: GET realm?service=S&amp;scope=X (with Basic credentials when there
/// are any, anonymous otherwise) returns a token (or access_token) valid for expires_in seconds (60 when absent).
/// Tokens are reused per set of scopes until shortly before they expire.
/// </summary>
public sealed class TokenAuthenticator
{
    private const int MaxTokenResponse = 1 << 20;
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly RegistryCredential? _credential;
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);

    public TokenAuthenticator(HttpClient http, RegistryCredential? credential)
    {
        _http = http;
        _credential = credential;
    }

    /// <summary>How many tokens were fetched from the realm (tests prove reuse with it).</summary>
    public int TokensFetched => _fetched;

    private int _fetched;

    /// <summary>A token for <paramref name="scopes"/>, from the cache unless <paramref name="fresh"/>.</summary>
    public string GetToken(AuthChallenge challenge, IReadOnlyCollection<string> scopes, bool fresh, CancellationToken cancellationToken)
    {
        var key = challenge.Realm + " " + challenge.Service + " " + string.Join(' ', scopes.Order(StringComparer.Ordinal));
        if (!fresh && _tokens.TryGetValue(key, out var cached) && cached.Expires > DateTimeOffset.UtcNow)
        {
            return cached.Token;
        }
        var (token, lifetime) = Fetch(challenge, scopes, cancellationToken);
        _tokens[key] = (token, DateTimeOffset.UtcNow + lifetime - ExpiryMargin);
        return token;
    }

    private (string Token, TimeSpan Lifetime) Fetch(AuthChallenge challenge, IReadOnlyCollection<string> scopes, CancellationToken cancellationToken)
    {
        if (challenge.Realm is null || !Uri.TryCreate(challenge.Realm, UriKind.Absolute, out var realm) || realm.Scheme is not ("https" or "http"))
        {
            throw new ContainerToolsException(ErrorIds.InvalidAuthChallenge, $"The registry asked for a token from an invalid realm '{challenge.Realm}'.", challenge.Realm);
        }
        var query = new List<string>();
        if (challenge.Service is not null)
        {
            query.Add("service=" + Uri.EscapeDataString(challenge.Service));
        }
        foreach (var scope in scopes)
        {
            query.Add("scope=" + Uri.EscapeDataString(scope));
        }
        if (_credential is not null)
        {
            query.Add("account=" + Uri.EscapeDataString(_credential.Username));
        }
        var builder = new UriBuilder(realm);
        var existing = builder.Query.TrimStart('?');
        builder.Query = string.Join('&', new[] { existing }.Where(q => q.Length > 0).Concat(query));

        using var request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
        if (_credential is not null)
        {
            request.Headers.Authorization = BasicHeader(_credential);
        }
        Interlocked.Increment(ref _fetched);
        using var response = RegistryTransport.Send(_http, request, HttpCompletionOption.ResponseHeadersRead, realm.Authority, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw RegistryErrors.AuthenticationFailed(realm.Authority, _credential);
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new ContainerToolsException(ErrorIds.RegistryConnectionFailed, $"The token service {realm.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} {response.ReasonPhrase}.", realm.Authority);
        }
        var body = RegistryTransport.ReadLimited(response, MaxTokenResponse, "token response", realm.Authority, cancellationToken);
        TokenResponse parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<TokenResponse>(body) ?? new TokenResponse();
        }
        catch (JsonException ex)
        {
            throw new ContainerToolsException(ErrorIds.InvalidTokenResponse, $"The token service {realm.Authority} answered with invalid JSON: {ex.Message}", realm.Authority, ex);
        }
        var token = !string.IsNullOrEmpty(parsed.Token) ? parsed.Token : parsed.AccessToken;
        if (string.IsNullOrEmpty(token))
        {
            throw new ContainerToolsException(ErrorIds.InvalidTokenResponse, $"The token service {realm.Authority} answered without a token.", realm.Authority);
        }
        var lifetime = parsed.ExpiresIn is > 0 ? TimeSpan.FromSeconds(Math.Min(parsed.ExpiresIn.Value, 24 * 3600)) : DefaultLifetime;
        return (token, lifetime);
    }

    public static AuthenticationHeaderValue BasicHeader(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.Username + ":" + credential.Password)));

    private sealed record TokenResponse
    {
        [JsonPropertyName("token")] public string? Token { get; init; }
        [JsonPropertyName("access_token")] public string? AccessToken { get; init; }
        [JsonPropertyName("expires_in")] public int? ExpiresIn { get; init; }
    }
}
