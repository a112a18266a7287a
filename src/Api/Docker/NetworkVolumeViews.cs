using ContainerTools.Runtime.Network;
using ContainerTools.Runtime.Volumes;

namespace ContainerTools.Api;

/// <summary>Networks in Docker's shape; host and none are the two built-in ones every Docker lists.</summary>
internal static class NetworkViews
{
    public static readonly string[] BuiltIn = ["host", "none"];

    public static object View(ContainerNetwork n, IReadOnlyList<Endpoint> endpoints) => new
    {
        Name = n.Name,
        Id = n.Id,
        Created = DockerFormat.Time(n.Created),
        Scope = "local",
        Driver = "bridge",
        EnableIPv6 = false,
        IPAM = new { Driver = "default", Options = (object?)null, Config = new[] { new { Subnet = n.Subnet, Gateway = n.Gateway } } },
        Internal = n.Internal,
        Attachable = false,
        Ingress = false,
        ConfigFrom = new { Network = "" },
        ConfigOnly = false,
        Containers = endpoints.ToDictionary(e => e.ContainerId, e => new
        {
            Name = e.ContainerName,
            EndpointID = "",
            MacAddress = e.MacAddress ?? "",
            IPv4Address = $"{e.IpAddress}/{e.PrefixLength}",
            IPv6Address = "",
        }),
        Options = new Dictionary<string, string> { ["com.docker.network.bridge.name"] = n.Bridge },
        Labels = n.Labels ?? new Dictionary<string, string>(),
    };

    public static object BuiltInView(string name) => new
    {
        Name = name,
        Id = name,
        Created = DockerFormat.Time(null),
        Scope = "local",
        Driver = name == "none" ? "null" : "host",
        EnableIPv6 = false,
        IPAM = new { Driver = "default", Options = (object?)null, Config = Array.Empty<object>() },
        Internal = false,
        Attachable = false,
        Ingress = false,
        ConfigFrom = new { Network = "" },
        ConfigOnly = false,
        Containers = new Dictionary<string, object>(),
        Options = new Dictionary<string, string>(),
        Labels = new Dictionary<string, string>(),
    };
}

internal static class VolumeViews
{
    /// <summary>The volume's labels, with Docker's marker on an anonymous one.</summary>
    public static IReadOnlyDictionary<string, string> Labels(Volume v) =>
        v.Anonymous
            ? new Dictionary<string, string>(v.Labels ?? new Dictionary<string, string>()) { ["com.docker.volume.anonymous"] = "" }
            : v.Labels ?? new Dictionary<string, string>();

    public static object View(Volume v, int users = 0, bool withUsage = false) => new
    {
        CreatedAt = v.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        Driver = v.Driver,
        Labels = Labels(v),
        Mountpoint = v.Mountpoint,
        Name = v.Name,
        Options = new Dictionary<string, string>(),
        Scope = "local",
        UsageData = withUsage ? new { Size = -1L, RefCount = (long)users } : null,
    };
}
