using System.Text;

namespace ContainerTools.Runtime.Network;

/// <summary>
/// The /etc/resolv.conf a container sees: the host's nameservers that are reachable from another network
/// namespace (127.x and ::1 are the container's own loopback there), and the host's search and options lines.
/// </summary>
public static class ResolvConf
{
    public const string HostPath = "/etc/resolv.conf";

    /// <summary>systemd-resolved's list of real upstream servers, used when the host points at its 127.0.0.53 stub.</summary>
    public const string ResolvedUpstreamPath = "/run/systemd/resolve/resolv.conf";

    public static string Compose(string hostResolvConf, string? upstreamResolvConf = null)
    {
        var servers = Lines(hostResolvConf, "nameserver").Where(IsReachable).ToList();
        if (servers.Count == 0 && upstreamResolvConf is not null)
        {
            servers = Lines(upstreamResolvConf, "nameserver").Where(IsReachable).ToList();
        }
        var text = new StringBuilder();
        foreach (var server in servers)
        {
            text.Append("nameserver ").Append(server).Append('\n');
        }
        foreach (var keyword in new[] { "search", "options" })
        {
            var last = Lines(hostResolvConf, keyword).LastOrDefault();
            if (last is not null)
            {
                text.Append(keyword).Append(' ').Append(last).Append('\n');
            }
        }
        return text.ToString();
    }

    /// <summary>Composes from the host's files and writes the container's copy (in place, as it is bind-mounted).</summary>
    public static void WriteForContainer(string path)
    {
        var host = ReadIfThere(HostPath) ?? "";
        var upstream = ReadIfThere(ResolvedUpstreamPath);
        HostsFile.Write(path, Compose(host, upstream));
    }

    private static string? ReadIfThere(string path) =>
        OciRuntime.Linux.WholeFiles.TryRead(path) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    private static bool IsReachable(string server)
    {
        var address = server.Split('%')[0];
        return !(address.StartsWith("127.", StringComparison.Ordinal) || address == "::1");
    }

    private static IEnumerable<string> Lines(string text, string keyword) =>
        text.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith(keyword + " ", StringComparison.Ordinal) || l.StartsWith(keyword + "\t", StringComparison.Ordinal))
            .Select(l => l[keyword.Length..].Trim());
}
