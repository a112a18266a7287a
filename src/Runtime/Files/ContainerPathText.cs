namespace ContainerTools.Runtime.Files;

/// <summary>Lexical facts about a path as the user typed it; resolution itself is left to the kernel.</summary>
internal static class ContainerPathText
{
    /// <summary>
    /// Splits off the last component: "/a/b" gives ("/a", "b"), "b/" gives ("", "b"). The leaf is null when the path
    /// ends in "." or ".." or is the root, since such a path names a directory by where it is, not by a name.
    /// </summary>
    public static (string Parent, string? Leaf) SplitLeaf(string path)
    {
        var trimmed = path.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        var leaf = trimmed[(slash + 1)..];
        var parent = slash < 0 ? "" : trimmed[..(slash + 1)];
        return leaf is "" or "." or ".." ? (path, null) : (parent, leaf);
    }

    /// <summary>docker cp: a source ending in "/." means the directory's contents, not the directory.</summary>
    public static bool MeansContents(string path) =>
        path == "." || path.EndsWith("/.", StringComparison.Ordinal);

    /// <summary>docker cp: a destination ending in "/" must be an existing directory.</summary>
    public static bool MeansDirectory(string path) =>
        path.EndsWith('/') || path.EndsWith("/.", StringComparison.Ordinal) || path == ".";

    /// <summary>The name an item copied into a directory gets: the source's last component once "." and ".." are
    /// cleaned away lexically (as docker does); null for the root.</summary>
    public static string? NameOf(string path)
    {
        var kept = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (kept.Count > 0) { kept.RemoveAt(kept.Count - 1); }
            }
            else if (part != ".")
            {
                kept.Add(part);
            }
        }
        return kept.Count == 0 ? null : kept[^1];
    }
}
