namespace ContainerTools.Runtime.Network;

/// <summary>
/// A directory holding only a link to the host's iptables, given to the plugins as their whole PATH on DEL of an
/// endpoint whose rules came from portmap alone. portmap's DEL tears down IPv6 as well as IPv4 whenever it finds
/// ip6tables (8 of its 17 iptables processes here), although it only ever made IPv6 rules for a container with an
/// IPv6 address, which no network of the engine has (IPv4 subnets only). Without ip6tables in PATH it skips that half,
/// as it does on hosts without ip6tables. The bridge (ipMasq off) and host-local run nothing on DEL.
/// </summary>
internal static class Ipv4Tools
{
    private static readonly string[] SearchPath = ["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/local/bin", "/usr/bin", "/bin"];

    /// <summary>The directory (made once per store), or null when the host has no iptables to link to.</summary>
    public static string? Directory(string networksDirectory)
    {
        var dir = Path.Combine(networksDirectory, ".ipv4-tools");
        var link = Path.Combine(dir, "iptables");
        if (File.Exists(link))
        {
            return dir;
        }
        var iptables = SearchPath.Select(d => Path.Combine(d, "iptables")).FirstOrDefault(File.Exists);
        if (iptables is null)
        {
            return null;
        }
        System.IO.Directory.CreateDirectory(dir);
        // Made under a temporary name and renamed: a reader sees no link or a whole one.
        var temp = Path.Combine(dir, $".iptables-{Guid.NewGuid():N}");
        File.CreateSymbolicLink(temp, iptables);
        File.Move(temp, link, overwrite: true);
        return dir;
    }
}
