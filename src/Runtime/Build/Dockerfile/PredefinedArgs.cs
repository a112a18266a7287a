namespace ContainerTools.Runtime.Build.Dockerfile;

/// <summary>
/// The build arguments every build has without an ARG: the platform ones (in the global scope; a stage sees them
/// after <c>ARG TARGETARCH</c> and the like) and the proxy ones (usable in RUN without being declared).
/// </summary>
public static class PredefinedArgs
{
    public static readonly IReadOnlySet<string> ProxyNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy",
    };

    /// <summary>TARGET* and BUILD* for <paramref name="target"/> ("os/arch[/variant]") built on <paramref name="build"/>.</summary>
    public static IReadOnlyDictionary<string, string> Platform(string target, string build)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        Add(values, "TARGET", target);
        Add(values, "BUILD", build);
        return values;
    }

    private static void Add(Dictionary<string, string> values, string prefix, string platform)
    {
        var parts = platform.Split('/');
        values[prefix + "PLATFORM"] = platform;
        values[prefix + "OS"] = parts[0];
        values[prefix + "ARCH"] = parts.Length > 1 ? parts[1] : "";
        values[prefix + "VARIANT"] = parts.Length > 2 ? parts[2] : "";
    }
}
