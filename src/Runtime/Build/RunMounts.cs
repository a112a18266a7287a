using System.Security.Cryptography;
using System.Text;
using ContainerTools.Runtime.Build.Dockerfile;
using ContainerTools.Runtime.Build.Layers;

namespace ContainerTools.Runtime.Build;

/// <summary>
/// RUN --mount, turned into the engine's mount options: type=cache becomes a named volume kept across builds
/// (buildcache-HASH of its id, else its target), type=tmpfs a tmpfs, type=bind (the default) a read-only bind of a
/// path in the build context or, with from=, in another stage or image (with rw, writable and the writes discarded), and type=secret a read-only bind of the file
/// -Secret gives for its id (at /run/secrets/ID unless target= says otherwise). SSH agents are not supported.
/// </summary>
internal sealed class RunMounts : IDisposable
{
    private readonly List<LayerMount> _sourceMounts = [];

    public List<string> Mounts { get; } = [];
    public List<string> Tmpfs { get; } = [];

    /// <summary>Where the mounts go in the container: their mount points are not part of the step's layer.</summary>
    public List<string> Targets { get; } = [];

    /// <summary>The mounts as the cache key sees them (sources of stage binds by stage, not by scratch path).</summary>
    public List<string> KeyParts { get; } = [];

    public void Dispose()
    {
        foreach (var mount in _sourceMounts)
        {
            mount.Dispose();
        }
    }

    /// <param name="sourceRoot">The root of a from= stage or image, mounted for the duration of the RUN, and what
    /// identifies its content for the cache key (its layers).</param>
    public static RunMounts Parse(RunInstruction run, Func<string, string> expand, BuildSession session, Func<string, (LayerMount Mount, string Identity)> sourceRoot)
    {
        var result = new RunMounts();
        try
        {
            foreach (var raw in run.Mounts)
            {
                result.Add(raw, run, expand, session, sourceRoot);
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }
        return result;
    }

    private void Add(string raw, RunInstruction run, Func<string, string> expand, BuildSession session, Func<string, (LayerMount Mount, string Identity)> sourceRoot)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var text = expand(raw);
        foreach (var field in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = field.IndexOf('=');
            fields[(eq < 0 ? field : field[..eq]).ToLowerInvariant()] = eq < 0 ? "true" : field[(eq + 1)..];
        }
        var type = fields.GetValueOrDefault("type", "bind");
        var target = fields.GetValueOrDefault("target") ?? fields.GetValueOrDefault("dst") ?? fields.GetValueOrDefault("destination");
        if (type == "secret")
        {
            var id = fields.GetValueOrDefault("id") ?? (target is null ? null : Path.GetFileName(target));
            if (id is null)
            {
                throw DockerfileError.At(run.Line, $"--mount={raw}: a secret needs an id", "BadMount");
            }
            target ??= "/run/secrets/" + id;
            if (!session.Options.Secrets.TryGetValue(id, out var file))
            {
                if (IsSet(fields, "required"))
                {
                    throw DockerfileError.At(run.Line, $"--mount={raw}: the secret '{id}' is required but -Secret does not give it", "SecretNotFound");
                }
                return;
            }
            if (!File.Exists(file))
            {
                throw DockerfileError.At(run.Line, $"--mount={raw}: the secret file '{file}' does not exist", "SecretNotFound");
            }
            Mounts.Add($"type=bind,source={Path.GetFullPath(file)},target={target},readonly");
            Targets.Add(target);
            // The secret's content is not part of the key, as in BuildKit: changing a secret does not rerun steps.
            KeyParts.Add($"secret {id} {target}");
            return;
        }
        if (target is null || !target.StartsWith('/'))
        {
            throw DockerfileError.At(run.Line, $"--mount={raw}: an absolute target is required", "BadMount");
        }
        Targets.Add(target);
        switch (type)
        {
            case "tmpfs":
                Tmpfs.Add(fields.TryGetValue("size", out var size) ? $"{target}:size={size}" : target);
                KeyParts.Add("tmpfs " + text);
                break;
            case "cache":
            {
                var id = fields.GetValueOrDefault("id") ?? target;
                var name = "buildcache-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(id))).ToLowerInvariant()[..16];
                Mounts.Add($"type=volume,source={name},target={target}" + (IsSet(fields, "ro") || IsSet(fields, "readonly") ? ",readonly" : ""));
                KeyParts.Add("cache " + text);
                break;
            }
            case "bind":
            {
                var source = DockerIgnore.Clean(fields.GetValueOrDefault("source") ?? fields.GetValueOrDefault("src") ?? "");
                string root;
                string? identity = null;
                if (fields.TryGetValue("from", out var from))
                {
                    var (mount, layers) = sourceRoot(from);
                    _sourceMounts.Add(mount);
                    root = mount.Merged;
                    identity = layers;
                }
                else
                {
                    if (source.StartsWith("..", StringComparison.Ordinal))
                    {
                        throw DockerfileError.At(run.Line, $"--mount={raw}: the source is outside the build context", "SourceOutsideContext");
                    }
                    root = session.Context;
                }
                var full = source.Length == 0 ? root : Path.Combine(root, source);
                if (!Path.Exists(full))
                {
                    throw DockerfileError.At(run.Line, $"--mount={raw}: '{source}' does not exist in its source", "SourceNotFound");
                }
                if (!fields.ContainsKey("from") && !IsInside(full, session.Context))
                {
                    throw DockerfileError.At(run.Line, $"--mount={raw}: '{source}' leads outside the build context", "SourceOutsideContext");
                }
                Mounts.Add(IsSet(fields, "rw") || IsSet(fields, "readwrite")
                    ? $"type=bind,source={WritableCopy(full, fields.ContainsKey("from"), session.Staging)},target={target}"
                    : $"type=bind,source={full},target={target},readonly");
                // What the RUN can read is part of its key: the context's files by content, a stage's or image's by its layers.
                identity ??= Copy.SourceDigest.Of([new Copy.CopySource(root, source, System.IO.Directory.Exists(full))], session.Ignore);
                KeyParts.Add($"bind {text} {identity}");
                break;
            }
            default:
                throw DockerfileError.At(run.Line, $"--mount type={type} is not supported (cache, tmpfs, bind and secret are)", "BadMount");
        }
    }

    /// <summary>
    /// What a writable bind mounts: writes land in a scratch copy that is thrown away with the RUN, as Docker does. A
    /// directory gets an overlay of its own over it; a file is copied; a from= source is already an overlay with an
    /// upper directory of its own under the staging directory.
    /// </summary>
    private string WritableCopy(string source, bool inOwnOverlay, string staging)
    {
        if (inOwnOverlay)
        {
            return source;
        }
        if (System.IO.Directory.Exists(source))
        {
            var overlay = LayerMount.Mount([source], staging);
            _sourceMounts.Add(overlay);
            return overlay.Merged;
        }
        var copy = Path.Combine(staging, $"bind-{Guid.NewGuid():N}");
        File.Copy(source, copy);
        return copy;
    }

    private static bool IsInside(string path, string root)
    {
        var real = new DirectoryInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        var top = Path.GetFullPath(root).TrimEnd('/') + "/";
        return (real.TrimEnd('/') + "/").StartsWith(top, StringComparison.Ordinal);
    }

    private static bool IsSet(Dictionary<string, string> fields, string name) => fields.TryGetValue(name, out var value) && value != "false";
}
