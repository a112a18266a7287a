using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Oci;

namespace ContainerTools.Runtime.Build;

/// <summary>
/// Where a stage stands after its latest step: the image config so far, its layers, the store image that has exactly
/// those layers (what a RUN's container starts from; null for an empty scratch stage), the cache key of the chain,
/// and the build arguments the stage has declared.
/// </summary>
public sealed class StageState
{
    public required ImageConfig Config { get; set; }
    public required List<ImageLayer> Layers { get; set; }
    public string? LayerImageId { get; set; }
    public required string CacheKey { get; set; }
    public Dictionary<string, string?> Args { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether this stage set CMD itself (ENTRYPOINT then keeps it; a CMD inherited from the base is dropped).</summary>
    public bool CmdSet { get; set; }

    public ContainerConfig Container => Config.Config ?? new ContainerConfig();

    public void Update(Func<ContainerConfig, ContainerConfig> change) => Config = Config with { Config = change(Container) };

    public IReadOnlyList<string> Env => Container.Env ?? [];

    /// <summary>WORKDIR so far; "/" when none was set.</summary>
    public string WorkingDir => string.IsNullOrEmpty(Container.WorkingDir) ? "/" : Container.WorkingDir!;

    /// <summary>WORKDIR <paramref name="path"/>: relative to the current one, cleaned; returns the new working directory.</summary>
    public string ChangeWorkingDir(string path)
    {
        var full = "/" + Dockerfile.DockerIgnore.Clean(path.StartsWith('/') ? path : WorkingDir + "/" + path);
        Update(c => c with { WorkingDir = full });
        return full;
    }

    /// <summary>SHELL, else Docker's default.</summary>
    public IReadOnlyList<string> Shell => Container.Shell is { Count: > 0 } shell ? shell : ["/bin/sh", "-c"];

    /// <summary>A variable as instructions see it: ENV wins over ARG.</summary>
    public string? Lookup(string name)
    {
        foreach (var entry in Env)
        {
            if (entry.Length > name.Length && entry[name.Length] == '=' && entry.StartsWith(name, StringComparison.Ordinal))
            {
                return entry[(name.Length + 1)..];
            }
        }
        return Args.TryGetValue(name, out var value) ? value : null;
    }

    public StageState Copy() => new()
    {
        Config = Config,
        Layers = [.. Layers],
        LayerImageId = LayerImageId,
        CacheKey = CacheKey,
    };

    public static List<string> SetEnv(IReadOnlyList<string> env, string key, string value)
    {
        var result = env.ToList();
        var index = result.FindIndex(e => e.StartsWith(key + "=", StringComparison.Ordinal));
        if (index >= 0)
        {
            result[index] = $"{key}={value}";
        }
        else
        {
            result.Add($"{key}={value}");
        }
        return result;
    }
}
