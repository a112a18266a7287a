using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Registry;

public enum EndpointSecurity
{
    /// <summary>HTTPS with certificate checks.</summary>
    Https,
    /// <summary>HTTPS without certificate checks, falling back to plain HTTP when the server does not speak TLS.</summary>
    Insecure,
    /// <summary>Plain HTTP only (a mirror given as http://...).</summary>
    Http,
}

/// <summary>
/// Where the Distribution API of a registry is reached. <see cref="Registry"/> is the name in image references
/// (docker.io); <see cref="ApiHost"/> the host[:port] actually contacted (registry-1.docker.io, or a mirror).
/// </summary>
public sealed record RegistryEndpoint(string Registry, string ApiHost, EndpointSecurity Security, bool IsMirror)
{
    public static RegistryEndpoint ForMirror(string mirror, RegistryConfig config)
    {
        var text = mirror.Trim().TrimEnd('/');
        var security = EndpointSecurity.Https;
        if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            security = EndpointSecurity.Http;
            text = text["http://".Length..];
        }
        else if (text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            text = text["https://".Length..];
        }
        else if (config.IsInsecure(text))
        {
            security = EndpointSecurity.Insecure;
        }
        if (text.Length == 0 || text.Contains('/') || !Uri.TryCreate("https://" + text + "/", UriKind.Absolute, out _))
        {
            throw new ContainerToolsException(ErrorIds.InvalidRegistryConfig, $"The mirror '{mirror}' is not a host[:port], optionally after http:// or https://.", mirror);
        }
        return new RegistryEndpoint(text, text, security, IsMirror: true);
    }

    public override string ToString() => ApiHost;
}
