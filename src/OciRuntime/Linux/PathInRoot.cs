namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// Resolves a path inside a root directory the way the kernel would after chroot: symlinks and ".." never lead
/// out of the root. A container image controls its symlinks; "/dev -> /host/etc" must not aim a mount at the host.
/// </summary>
public static class PathInRoot
{
    private const int MaxLinks = 255;

    public static string Resolve(string root, string path)
    {
        root = Path.TrimEndingDirectorySeparator(root);
        var resolved = new List<string>();
        var pending = new LinkedList<string>(Split(path));
        var links = 0;
        while (pending.First is { } first)
        {
            var part = first.Value;
            pending.RemoveFirst();
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var candidate = root + "/" + string.Join('/', resolved.Append(part));
            var target = new FileInfo(candidate).LinkTarget;
            if (target is null)
            {
                resolved.Add(part);
                continue;
            }
            if (++links > MaxLinks) throw new SystemCallException("resolve", 40 /* ELOOP */, path);
            if (target.StartsWith('/')) resolved.Clear();
            var node = pending.First;
            foreach (var linkPart in Split(target))
            {
                if (node is null) pending.AddLast(linkPart);
                else pending.AddBefore(node, linkPart);
            }
        }
        return resolved.Count == 0 ? root : root + "/" + string.Join('/', resolved);
    }

    private static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
