using System.Text;
using System.Text.RegularExpressions;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Build.Dockerfile;

/// <summary>
/// A .dockerignore: one pattern a line (# comments, blank lines ignored), Go filepath.Match syntax (<c>*</c>, <c>?</c>,
/// <c>[a-z]</c>, <c>\</c> escapes) plus <c>**</c> for any number of directories, and <c>!</c> exceptions. A path is
/// excluded when the last pattern that matches it, or one of its parent directories, is not an exception.
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exception)> _patterns;

    private DockerIgnore(List<(Regex, bool)> patterns) => _patterns = patterns;

    public static readonly DockerIgnore None = new([]);

    public bool HasExceptions => _patterns.Any(p => p.Exception);

    public static DockerIgnore Parse(string text)
    {
        var patterns = new List<(Regex, bool)>();
        foreach (var raw in text.Replace("\r\n", "\n").Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var exception = line.StartsWith('!');
            if (exception)
            {
                line = line[1..].Trim();
            }
            line = Clean(line);
            if (line.Length == 0 || line == ".")
            {
                continue;
            }
            patterns.Add((GoPattern.Compile(line), exception));
        }
        return new DockerIgnore(patterns);
    }

    /// <summary>The context's .dockerignore (Dockerfile-specific NAME.dockerignore first, as BuildKit does), or none.</summary>
    public static DockerIgnore ForContext(string contextDirectory, string? dockerfilePath)
    {
        if (dockerfilePath is not null)
        {
            var specific = dockerfilePath + ".dockerignore";
            if (File.Exists(specific))
            {
                return Parse(File.ReadAllText(specific));
            }
        }
        var path = Path.Combine(contextDirectory, ".dockerignore");
        return File.Exists(path) ? Parse(File.ReadAllText(path)) : None;
    }

    /// <summary>Whether <paramref name="relativePath"/> (slash-separated, relative to the context) is left out.</summary>
    public bool Excludes(string relativePath)
    {
        var path = Clean(relativePath);
        var excluded = false;
        foreach (var (pattern, exception) in _patterns)
        {
            if (MatchesOrParentMatches(pattern, path))
            {
                excluded = !exception;
            }
        }
        return excluded;
    }

    private static bool MatchesOrParentMatches(Regex pattern, string path)
    {
        if (pattern.IsMatch(path))
        {
            return true;
        }
        for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            if (pattern.IsMatch(path[..slash]))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Go's filepath.Clean, and a leading slash dropped (patterns are relative to the context root).</summary>
    internal static string Clean(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }
            if (part == ".." )
            {
                if (parts.Count > 0 && parts[^1] != "..")
                {
                    parts.RemoveAt(parts.Count - 1);
                }
                continue;
            }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }
}
