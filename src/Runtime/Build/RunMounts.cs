using System.Security.Cryptography;
using System.Text;
using ContainerTools.Runtime.Build.Dockerfile;

namespace ContainerTools.Runtime.Build;

/// <summary>
/// RUN --mount, turned into the engine's mount options: type=cache becomes a named volume kept across builds
/// (buildcache-HASH of its id, else its target), type=tmpfs a tmpfs, type=bind (the default) a read-only bind of a
/// path in the build context. Secrets, ssh and binds from other stages are not supported here.
/// </summary>
internal static class RunMounts
{
    public static (List<string> Mounts, List<string> Tmpfs) Parse(RunInstruction run, Func<string, string> expand, BuildSession session, int stageIndex)
    {
        var mounts = new List<string>();
        var tmpfs = new List<string>();
        foreach (var raw in run.Mounts)
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var field in expand(raw).Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = field.IndexOf('=');
                fields[(eq < 0 ? field : field[..eq]).ToLowerInvariant()] = eq < 0 ? "true" : field[(eq + 1)..];
            }
            var type = fields.GetValueOrDefault("type", "bind");
            var target = fields.GetValueOrDefault("target") ?? fields.GetValueOrDefault("dst") ?? fields.GetValueOrDefault("destination");
            if (target is null || !target.StartsWith('/'))
            {
                throw DockerfileError.At(run.Line, $"--mount={raw}: an absolute target is required", "BadMount");
            }
            switch (type)
            {
                case "tmpfs":
                    tmpfs.Add(fields.TryGetValue("size", out var size) ? $"{target}:size={size}" : target);
                    break;
                case "cache":
                {
                    var id = fields.GetValueOrDefault("id") ?? target;
                    var name = "buildcache-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(id))).ToLowerInvariant()[..16];
                    mounts.Add($"type=volume,source={name},target={target}" + (IsSet(fields, "ro") || IsSet(fields, "readonly") ? ",readonly" : ""));
                    break;
                }
                case "bind":
                {
                    if (fields.ContainsKey("from"))
                    {
                        throw DockerfileError.At(run.Line, $"--mount={raw}: binds from another stage or image are not supported", "BadMount");
                    }
                    var source = DockerIgnore.Clean(fields.GetValueOrDefault("source") ?? fields.GetValueOrDefault("src") ?? "");
                    if (source.StartsWith("..", StringComparison.Ordinal))
                    {
                        throw DockerfileError.At(run.Line, $"--mount={raw}: the source is outside the build context", "SourceOutsideContext");
                    }
                    var full = Path.Combine(session.Context, source);
                    if (!Path.Exists(full))
                    {
                        throw DockerfileError.At(run.Line, $"--mount={raw}: '{source}' is not in the build context", "SourceNotFound");
                    }
                    mounts.Add($"type=bind,source={full},target={target},readonly");
                    break;
                }
                default:
                    throw DockerfileError.At(run.Line, $"--mount type={type} is not supported (cache, tmpfs and bind are)", "BadMount");
            }
        }
        return (mounts, tmpfs);
    }

    private static bool IsSet(Dictionary<string, string> fields, string name) => fields.TryGetValue(name, out var value) && value != "false";
}
