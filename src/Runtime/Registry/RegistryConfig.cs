using System.Text.Json;
using System.Text.Json.Serialization;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;

namespace ContainerTools.Runtime.Registry;

/// <summary>
/// Registry settings from registries.json (format and lookup order: docs/registry.md): which registries may be reached
/// over plain HTTP, mirrors to try before a registry, the registry of short names, and how blobs are uploaded.
/// </summary>
public sealed record RegistryConfig
{
    public const string EnvironmentVariable = "CONTAINERTOOLS_REGISTRIES_CONFIG";
    public const string SystemPath = "/etc/containertools/registries.json";
    public const long DefaultChunkSize = 16L << 20;
    public const long DefaultChunkedUploadThreshold = 64L << 20;

    /// <summary>Registries (host[:port]) that may be reached over plain HTTP or HTTPS without certificate checks.</summary>
    [JsonPropertyName("insecureRegistries")] public IReadOnlyList<string> InsecureRegistries { get; init; } = [];

    /// <summary>Per registry, mirrors (host[:port], optionally with http:// or https://) tried in order before it, for pulls only.</summary>
    [JsonPropertyName("mirrors")] public IReadOnlyDictionary<string, IReadOnlyList<string>> Mirrors { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The registry of names without one (busybox); docker.io unless set.</summary>
    [JsonPropertyName("defaultRegistry")] public string DefaultRegistry { get; init; } = ImageReference.DefaultRegistry;

    /// <summary>Blobs at least this large are uploaded in chunks (PATCH); smaller ones in one PUT. 0 uploads everything in chunks.</summary>
    [JsonPropertyName("chunkedUploadThreshold")] public long ChunkedUploadThreshold { get; init; } = DefaultChunkedUploadThreshold;

    [JsonPropertyName("chunkSize")] public long ChunkSize { get; init; } = DefaultChunkSize;

    /// <summary>Layers downloaded at the same time during a pull.</summary>
    [JsonPropertyName("maxConcurrentDownloads")] public int MaxConcurrentDownloads { get; init; } = 3;

    public static RegistryConfig Default { get; } = new();

    /// <summary>
    /// $CONTAINERTOOLS_REGISTRIES_CONFIG if set (it must exist), else $XDG_CONFIG_HOME/containertools/registries.json
    /// (~/.config when unset), else /etc/containertools/registries.json, else the defaults.
    /// </summary>
    public static RegistryConfig Load() => Load(Environment.GetEnvironmentVariable);

    /// <summary>As <see cref="Load()"/>, with environment variables read through <paramref name="variable"/>.</summary>
    public static RegistryConfig Load(Func<string, string?> variable)
    {
        var explicitPath = variable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return LoadFile(explicitPath);
        }
        foreach (var path in new[] { UserPath(variable), SystemPath })
        {
            if (path is not null && File.Exists(path))
            {
                return LoadFile(path);
            }
        }
        return Default;
    }

    public static RegistryConfig LoadFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ContainerToolsException(ErrorIds.RegistryConfigNotFound, $"The registry settings file '{path}' does not exist.", path, ex);
        }
        RegistryConfig config;
        try
        {
            config = JsonSerializer.Deserialize<RegistryConfig>(bytes, new JsonSerializerOptions { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
                ?? Default;
        }
        catch (JsonException ex)
        {
            throw new ContainerToolsException(ErrorIds.InvalidRegistryConfig, $"The registry settings file '{path}' is not valid: {ex.Message}", path, ex);
        }
        if (config.ChunkSize <= 0 || config.MaxConcurrentDownloads <= 0 || config.ChunkedUploadThreshold < 0)
        {
            throw new ContainerToolsException(ErrorIds.InvalidRegistryConfig, $"The registry settings file '{path}' is not valid: chunkSize and maxConcurrentDownloads must be positive, chunkedUploadThreshold not negative.", path);
        }
        return config;
    }

    private static string? UserPath(Func<string, string?> variable)
    {
        var configHome = variable("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(configHome))
        {
            var home = variable("HOME");
            if (string.IsNullOrEmpty(home))
            {
                return null;
            }
            configHome = Path.Combine(home, ".config");
        }
        return Path.Combine(configHome, "containertools", "registries.json");
    }

    /// <summary>Parses an image reference; a name without a registry goes to <see cref="DefaultRegistry"/>.</summary>
    public ImageReference ParseReference(string text)
    {
        var reference = ImageReference.Parse(text);
        if (DefaultRegistry == ImageReference.DefaultRegistry || NamesRegistry(text))
        {
            return reference;
        }
        return ImageReference.Parse(DefaultRegistry + "/" + text.Trim());
    }

    /// <summary>Whether the first path component of <paramref name="text"/> is a registry host, as ImageReference decides.</summary>
    private static bool NamesRegistry(string text)
    {
        var slash = text.IndexOf('/');
        if (slash < 0)
        {
            return false;
        }
        var first = text[..slash];
        return first.Contains('.') || first.Contains(':') || first == "localhost" || first.Any(char.IsUpper);
    }

    public bool IsInsecure(string registry) =>
        InsecureRegistries.Any(r => string.Equals(r.Trim().TrimEnd('/'), registry, StringComparison.OrdinalIgnoreCase)) || IsLoopback(registry);

    /// <summary>Docker allows plain HTTP to registries on the local machine without configuration; so do we.</summary>
    public static bool IsLoopback(string registry)
    {
        var host = HostOf(registry);
        return host == "localhost" || host == "::1" || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
    }

    /// <summary>The endpoints to pull <paramref name="registry"/>'s images from: its mirrors in order, then itself.</summary>
    public IReadOnlyList<RegistryEndpoint> PullEndpoints(string registry)
    {
        var endpoints = new List<RegistryEndpoint>();
        if (Mirrors.TryGetValue(registry, out var mirrors))
        {
            foreach (var mirror in mirrors)
            {
                endpoints.Add(RegistryEndpoint.ForMirror(mirror, this));
            }
        }
        endpoints.Add(Endpoint(registry));
        return endpoints;
    }

    public RegistryEndpoint Endpoint(string registry) => new(registry, ApiHost(registry), IsInsecure(registry) ? EndpointSecurity.Insecure : EndpointSecurity.Https, IsMirror: false);

    /// <summary>docker.io is a name; its API is served by registry-1.docker.io.</summary>
    public static string ApiHost(string registry) => registry == ImageReference.DefaultRegistry ? "registry-1.docker.io" : registry;

    internal static string HostOf(string registry)
    {
        if (registry.StartsWith('['))
        {
            var end = registry.IndexOf(']');
            return end > 0 ? registry[1..end] : registry;
        }
        var colon = registry.LastIndexOf(':');
        return (colon >= 0 ? registry[..colon] : registry).ToLowerInvariant();
    }
}
