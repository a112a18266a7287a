using ContainerTools.Runtime.Build.Dockerfile;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Files;

namespace ContainerTools.Runtime.Build.Copy;

/// <summary>
/// Finds what COPY/ADD sources name, as Docker does: paths relative to the root (a leading '/' too), wildcards
/// (Go filepath.Match per path component), symlinks followed when they name the source itself. In the build context
/// nothing may lead outside it: <c>../x</c> and a symlink pointing out are errors; .dockerignore'd entries do not exist.
/// In a stage's or image's root, paths resolve inside that root.
/// </summary>
public static class CopySources
{
    private const int MaxSymlinks = 40;

    public static IReadOnlyList<CopySource> Resolve(string root, IReadOnlyList<string> sources, DockerIgnore ignore, bool isContext, DockerfileLine line)
    {
        var result = new List<CopySource>();
        foreach (var source in sources)
        {
            var relative = Clean(source, isContext, line);
            var matches = GoPattern.HasWildcards(relative) ? Glob(root, relative, ignore) : [relative];
            if (matches.Count == 0)
            {
                throw DockerfileError.At(line, $"no source files were specified: '{source}' matches nothing in the {(isContext ? "build context" : "source")}", "SourceNotFound");
            }
            foreach (var match in matches)
            {
                if (ignore.Excludes(match) && match.Length > 0)
                {
                    throw DockerfileError.At(line, $"'{source}' is excluded by .dockerignore", "SourceNotFound");
                }
                var resolved = ResolveLinks(root, match, isContext, line, source);
                var full = resolved.Length == 0 ? root : Path.Combine(root, resolved);
                var info = new FileInfo(full);
                if (!info.Exists && !Directory.Exists(full))
                {
                    throw DockerfileError.At(line, $"'{source}' was not found in the {(isContext ? "build context" : "source")}", "SourceNotFound");
                }
                result.Add(new CopySource(root, resolved, Directory.Exists(full) && info.LinkTarget is null));
            }
        }
        return result;
    }

    /// <summary>The source as a clean relative path; climbing out of the context is an error, out of a root stays at "/".</summary>
    private static string Clean(string source, bool isContext, DockerfileLine line)
    {
        var parts = new List<string>();
        foreach (var part in source.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    if (isContext)
                    {
                        throw DockerfileError.At(line, $"'{source}' is outside the build context", "SourceOutsideContext");
                    }
                    continue;
                }
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }

    /// <summary>Follows symlinks along the path (the last component too). In the context, a link out of it is an error.</summary>
    private static string ResolveLinks(string root, string relative, bool isContext, DockerfileLine line, string source)
    {
        var rootFull = Path.GetFullPath(root).TrimEnd('/');
        var pending = new Queue<string>(relative.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var resolved = new List<string>();
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Dequeue();
            if (part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (resolved.Count == 0)
                {
                    if (isContext)
                    {
                        throw Outside(line, source);
                    }
                    continue;
                }
                resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var candidate = Path.Combine(rootFull, string.Join('/', resolved.Append(part)));
            var target = new FileInfo(candidate).LinkTarget;
            if (target is null)
            {
                resolved.Add(part);
                continue;
            }
            if (++links > MaxSymlinks)
            {
                throw DockerfileError.At(line, $"too many levels of symbolic links in '{source}'", "SourceNotFound");
            }
            var rest = pending.ToList();
            pending.Clear();
            if (target.StartsWith('/'))
            {
                if (isContext)
                {
                    if (!(target + "/").StartsWith(rootFull + "/", StringComparison.Ordinal))
                    {
                        throw Outside(line, source);
                    }
                    target = target[rootFull.Length..];
                }
                resolved.Clear();
            }
            foreach (var p in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Concat(rest))
            {
                pending.Enqueue(p);
            }
        }
        return string.Join('/', resolved);
    }

    private static ContainerToolsException Outside(DockerfileLine line, string source) =>
        DockerfileError.At(line, $"'{source}' leads outside the build context (through a symbolic link)", "SourceOutsideContext");

    /// <summary>Every path matching the wildcard pattern, in ordinal order, .dockerignore'd entries left out.</summary>
    private static List<string> Glob(string root, string pattern, DockerIgnore ignore)
    {
        var current = new List<string> { "" };
        foreach (var part in pattern.Split('/'))
        {
            var next = new List<string>();
            foreach (var prefix in current)
            {
                var dir = prefix.Length == 0 ? root : Path.Combine(root, prefix);
                if (!GoPattern.HasWildcards(part))
                {
                    var path = prefix.Length == 0 ? part : prefix + "/" + part;
                    if (File.Exists(Path.Combine(root, path)) || Directory.Exists(Path.Combine(root, path)) || new FileInfo(Path.Combine(root, path)).LinkTarget is not null)
                    {
                        next.Add(path);
                    }
                    continue;
                }
                if (!Directory.Exists(dir))
                {
                    continue;
                }
                var regex = GoPattern.Compile(part);
                foreach (var name in Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal))
                {
                    var path = prefix.Length == 0 ? name : prefix + "/" + name;
                    if (regex.IsMatch(name) && !ignore.Excludes(path))
                    {
                        next.Add(path);
                    }
                }
            }
            current = next;
        }
        return current;
    }
}
