namespace ContainerTools.Runtime.Layers;

/// <summary>
/// Lexical clean-up of an entry name, as docker does: leading "/" and "./" are dropped (an absolute name lands inside
/// the root), "." and empty components vanish and ".." pops one component. A ".." that would climb above the root
/// is refused. The result is "" for the root itself, otherwise "a/b/c" with no trailing slash.
/// </summary>
internal static class LayerPath
{
    public static string Normalize(string entryName)
    {
        if (IsAlreadyClean(entryName))
        {
            return entryName;
        }
        var kept = new List<string>();
        foreach (var component in entryName.Split('/'))
        {
            if (component.Length == 0 || component == ".")
            {
                continue;
            }
            if (component == "..")
            {
                if (kept.Count == 0)
                {
                    throw LayerErrors.Unsafe(entryName, "the name climbs above the layer root with '..'");
                }
                kept.RemoveAt(kept.Count - 1);
                continue;
            }
            kept.Add(component);
        }
        return string.Join('/', kept);
    }

    public static (string Parent, string Name) Split(string normalized)
    {
        var slash = normalized.LastIndexOf('/');
        return slash < 0 ? ("", normalized) : (normalized[..slash], normalized[(slash + 1)..]);
    }

    private static bool IsAlreadyClean(string name) =>
        name.Length > 0 && name[0] != '/' && name[^1] != '/' && name != "." && name != ".." &&
        !name.StartsWith("./", StringComparison.Ordinal) && !name.StartsWith("../", StringComparison.Ordinal) &&
        !name.Contains("//", StringComparison.Ordinal) && !name.Contains("/./", StringComparison.Ordinal) &&
        !name.Contains("/..", StringComparison.Ordinal) && !name.EndsWith("/.", StringComparison.Ordinal);
}
