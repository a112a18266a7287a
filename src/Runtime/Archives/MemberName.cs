using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Archives;

/// <summary>Archive member names are untrusted: only relative names without ".." are ever opened.</summary>
public static class MemberName
{
    /// <summary>The canonical form ("./a//b" -> "a/b"), or null when the name is absolute, climbs with "..", or is empty.</summary>
    public static string? Normalize(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('\0') || name.StartsWith('/') || name.Contains('\\'))
        {
            return null;
        }
        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                return null;
            }
            parts.Add(part);
        }
        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    public static string Require(string? name, string archive) =>
        Normalize(name) ?? throw new ContainerToolsException(ErrorIds.UnsafeArchiveEntry, $"The archive '{archive}' refers to the member '{name}', which is absolute or leaves the archive.", archive);
}
