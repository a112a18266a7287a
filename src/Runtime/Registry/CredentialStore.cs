using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;

namespace ContainerTools.Runtime.Registry;

/// <summary>
/// Registry logins in the files docker and podman use. Logins are written to docker's config.json ($DOCKER_CONFIG or
/// ~/.docker) under "auths", keeping every other key of the file. Lookups read, in order: $REGISTRY_AUTH_FILE,
/// docker's config.json, $XDG_RUNTIME_DIR/containers/auth.json and ~/.config/containers/auth.json (podman's).
/// Credential helpers (credsStore, credHelpers) are not run.
/// </summary>
public sealed class CredentialStore
{
    /// <summary>The key docker uses for Docker Hub logins.</summary>
    public const string DockerHubKey = "https://index.docker.io/v1/";

    public CredentialStore(string dockerConfigPath, IReadOnlyList<string> readPaths)
    {
        DockerConfigPath = dockerConfigPath;
        ReadPaths = readPaths;
    }

    /// <summary>The file logins are written to.</summary>
    public string DockerConfigPath { get; }

    /// <summary>The files lookups read, first match wins.</summary>
    public IReadOnlyList<string> ReadPaths { get; }

    public static CredentialStore FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>The files named by DOCKER_CONFIG, REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR and HOME, as <paramref name="variable"/> reads them.</summary>
    public static CredentialStore FromEnvironment(Func<string, string?> variable)
    {
        var dockerDir = variable("DOCKER_CONFIG");
        var home = variable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (string.IsNullOrEmpty(dockerDir))
        {
            dockerDir = Path.Combine(home, ".docker");
        }
        var dockerConfig = Path.Combine(dockerDir, "config.json");
        var reads = new List<string>();
        var authFile = variable("REGISTRY_AUTH_FILE");
        if (!string.IsNullOrEmpty(authFile))
        {
            reads.Add(authFile);
        }
        reads.Add(dockerConfig);
        var runtimeDir = variable("XDG_RUNTIME_DIR");
        if (!string.IsNullOrEmpty(runtimeDir))
        {
            reads.Add(Path.Combine(runtimeDir, "containers", "auth.json"));
        }
        if (!string.IsNullOrEmpty(home))
        {
            reads.Add(Path.Combine(home, ".config", "containers", "auth.json"));
        }
        return new CredentialStore(dockerConfig, reads);
    }

    /// <summary>
    /// The login for <paramref name="registry"/> (and, for podman's per-namespace entries, <paramref name="repository"/>),
    /// or null. Keys may carry a scheme and path (https://index.docker.io/v1/), as docker writes them.
    /// </summary>
    public RegistryCredential? Find(string registry, string? repository = null)
    {
        foreach (var path in ReadPaths)
        {
            var auths = ReadAuths(path);
            if (auths is null)
            {
                continue;
            }
            var best = auths
                .Select(entry => (entry.Value, Match: MatchLength(entry.Key, registry, repository)))
                .Where(m => m.Match >= 0 && m.Value is JsonObject)
                .OrderByDescending(m => m.Match)
                .Select(m => Decode((JsonObject)m.Value!, path))
                .FirstOrDefault(c => c is not null);
            if (best is not null)
            {
                return best;
            }
        }
        return null;
    }

    /// <summary>Stores a login in docker's config.json (atomically, file mode 0600), replacing any earlier one for the registry.</summary>
    public void Save(string registry, RegistryCredential credential)
    {
        var root = ReadRoot(DockerConfigPath) ?? new JsonObject();
        if (root["auths"] is not JsonObject auths)
        {
            auths = new JsonObject();
            root["auths"] = auths;
        }
        foreach (var key in auths.Select(e => e.Key).Where(k => KeyRegistry(k) == registry).ToList())
        {
            auths.Remove(key);
        }
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.Username + ":" + credential.Password));
        auths[KeyFor(registry)] = new JsonObject { ["auth"] = token };
        Write(root);
    }

    /// <summary>Removes the registry's login from docker's config.json; false when there was none.</summary>
    public bool Remove(string registry)
    {
        var root = ReadRoot(DockerConfigPath);
        if (root?["auths"] is not JsonObject auths)
        {
            return false;
        }
        var keys = auths.Select(e => e.Key).Where(k => KeyRegistry(k) == registry).ToList();
        if (keys.Count == 0)
        {
            return false;
        }
        foreach (var key in keys)
        {
            auths.Remove(key);
        }
        Write(root);
        return true;
    }

    /// <summary>The key a login for <paramref name="registry"/> is stored under: docker's own for Docker Hub, else host[:port].</summary>
    public static string KeyFor(string registry) => registry == ImageReference.DefaultRegistry ? DockerHubKey : registry;

    /// <summary>The registry an auths key names: https://index.docker.io/v1/ is docker.io, http://h:5000/v2/ is h:5000.</summary>
    public static string KeyRegistry(string key)
    {
        var text = key.Trim();
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            text = text[(scheme + 3)..];
        }
        var slash = text.IndexOf('/');
        var host = (slash >= 0 ? text[..slash] : text).ToLowerInvariant();
        return host is "index.docker.io" or "registry-1.docker.io" or "registry.hub.docker.com" ? ImageReference.DefaultRegistry : host;
    }

    /// <summary>
    /// How specifically <paramref name="key"/> matches: -1 not at all, 0 the registry, more for podman's registry/namespace keys
    /// that prefix the repository.
    /// </summary>
    private static int MatchLength(string key, string registry, string? repository)
    {
        if (KeyRegistry(key) != registry)
        {
            return -1;
        }
        if (key.Contains("://", StringComparison.Ordinal))
        {
            return 0;
        }
        var slash = key.IndexOf('/');
        if (slash < 0)
        {
            return 0;
        }
        var path = key[(slash + 1)..].TrimEnd('/');
        if (path.Length == 0)
        {
            return 0;
        }
        return repository is not null && (repository == path || repository.StartsWith(path + "/", StringComparison.Ordinal)) ? path.Length : -1;
    }

    private static RegistryCredential? Decode(JsonObject entry, string path)
    {
        if (entry["auth"] is JsonValue authValue && authValue.TryGetValue<string>(out var auth) && auth.Length > 0)
        {
            string text;
            try
            {
                text = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
            }
            catch (FormatException ex)
            {
                throw new ContainerToolsException(ErrorIds.InvalidCredentialFile, $"A login in '{path}' is not valid base64.", path, ex);
            }
            var colon = text.IndexOf(':');
            if (colon <= 0)
            {
                throw new ContainerToolsException(ErrorIds.InvalidCredentialFile, $"A login in '{path}' is not user:password.", path);
            }
            return new RegistryCredential(text[..colon], text[(colon + 1)..]);
        }
        if (entry["username"] is JsonValue user && user.TryGetValue<string>(out var username) && entry["password"] is JsonValue pass && pass.TryGetValue<string>(out var password))
        {
            return new RegistryCredential(username, password);
        }
        return null;
    }

    private static JsonObject? ReadAuths(string path) => ReadRoot(path)?["auths"] as JsonObject;

    private static JsonObject? ReadRoot(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        if (bytes.Length == 0 || bytes.All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(bytes) as JsonObject
                ?? throw new ContainerToolsException(ErrorIds.InvalidCredentialFile, $"'{path}' does not hold a JSON object.", path);
        }
        catch (JsonException ex)
        {
            throw new ContainerToolsException(ErrorIds.InvalidCredentialFile, $"'{path}' is not valid JSON: {ex.Message}", path, ex);
        }
    }

    private void Write(JsonObject root)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(DockerConfigPath))!;
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Registry logins are stored on Linux only.");
        }
        if (!Directory.Exists(dir))
        {
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var json = Encoding.UTF8.GetBytes(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        // Like AtomicFile, but the temp file is created 0600: the file holds passwords from its first byte.
        var temp = Path.Combine(dir, $".{Path.GetFileName(DockerConfigPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(json);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, DockerConfigPath, overwrite: true);
        }
        finally
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
