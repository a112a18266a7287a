using System.Text;

namespace ContainerTools.Runtime.Network;

/// <summary>The /etc/hosts a container sees: localhost, its own names, and its peers on user-defined networks.</summary>
public static class HostsFile
{
    public sealed record Entry(string Address, IReadOnlyList<string> Names);

    public static string Compose(IEnumerable<Entry> entries)
    {
        var text = new StringBuilder();
        text.Append("127.0.0.1\tlocalhost\n");
        text.Append("::1\tlocalhost ip6-localhost ip6-loopback\n");
        foreach (var entry in entries)
        {
            var names = entry.Names.Where(n => !string.IsNullOrWhiteSpace(n)).Distinct(StringComparer.Ordinal).ToList();
            if (names.Count > 0)
            {
                text.Append(entry.Address).Append('\t').Append(string.Join(' ', names)).Append('\n');
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// Rewrites the file in place rather than by rename: the container sees it through a bind mount of this inode,
    /// and a rename would leave it reading the old one forever (Docker and podman write in place for the same reason).
    /// No fsync: these files are derived (from the store's records and the host's resolv.conf) and written afresh at
    /// every start and peer change, so a copy lost to a power cut is never read; the fsync cost a millisecond or more
    /// per write, four writes per start.
    /// </summary>
    public static void Write(string path, string content)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        // Its directory is missing only for a file outside a container's own (made then).
        OciRuntime.Linux.WholeFiles.WriteInPlaceMakingDirectory(path, bytes);
    }

    /// <summary>The entries of one container, given its own endpoints and every endpoint of the networks it is on.</summary>
    public static IReadOnlyList<Entry> EntriesFor(IReadOnlyList<Endpoint> own, IEnumerable<Endpoint> peersOnUserNetworks)
    {
        var entries = own.Select(e => new Entry(e.IpAddress, [e.Hostname ?? e.ContainerName, e.ContainerName, .. e.Aliases])).ToList();
        var ownId = own.Count > 0 ? own[0].ContainerId : null;
        entries.AddRange(peersOnUserNetworks
            .Where(p => p.ContainerId != ownId)
            .Select(p => new Entry(p.IpAddress, [p.ContainerName, .. p.Aliases])));
        return entries;
    }
}
