using System.Text.Json.Serialization;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Network;

/// <summary>
/// One published port: traffic to HostIp:HostPort on the host goes to ContainerPort in the container.
/// A null HostIp means every host address; HostPort 0 means "any free port", chosen at attach time.
/// </summary>
public sealed record PortMapping
{
    [JsonPropertyName("hostIP")] public string? HostIp { get; init; }
    [JsonPropertyName("hostPort")] public int HostPort { get; init; }
    [JsonPropertyName("containerPort")] public int ContainerPort { get; init; }
    [JsonPropertyName("protocol")] public string Protocol { get; init; } = "tcp";

    public override string ToString() =>
        $"{(HostIp is null ? "" : $"{HostIp}:")}{(HostPort == 0 ? "" : HostPort.ToString())}{(HostIp is null && HostPort == 0 ? "" : ":")}{ContainerPort}/{Protocol}";

    /// <summary>
    /// Docker's -p forms: "80", "8080:80", "127.0.0.1:8080:80", "127.0.0.1::80", each with an optional "/tcp" or "/udp".
    /// </summary>
    public static PortMapping Parse(string spec)
    {
        if (string.IsNullOrWhiteSpace(spec))
        {
            throw Invalid(spec, "it is empty");
        }
        var protocol = "tcp";
        var body = spec.Trim();
        var slash = body.LastIndexOf('/');
        if (slash >= 0)
        {
            protocol = body[(slash + 1)..].ToLowerInvariant();
            body = body[..slash];
            if (protocol is not ("tcp" or "udp"))
            {
                throw Invalid(spec, $"the protocol '{protocol}' is not tcp or udp");
            }
        }
        var parts = body.Split(':');
        string? hostIp = null;
        string hostPort = "";
        string containerPort;
        switch (parts.Length)
        {
            case 1:
                containerPort = parts[0];
                break;
            case 2:
                hostPort = parts[0];
                containerPort = parts[1];
                break;
            case 3:
                hostIp = parts[0];
                hostPort = parts[1];
                containerPort = parts[2];
                if (!Ipv4Subnet.TryParseAddress(hostIp, out _))
                {
                    throw Invalid(spec, $"the host address '{hostIp}' is not an IPv4 address");
                }
                break;
            default:
                throw Invalid(spec, "expected [HOSTIP:][HOSTPORT:]CONTAINERPORT[/PROTOCOL]");
        }
        return new PortMapping
        {
            HostIp = hostIp is "0.0.0.0" ? null : hostIp,
            HostPort = hostPort.Length == 0 ? 0 : ParsePort(spec, hostPort, "host"),
            ContainerPort = ParsePort(spec, containerPort, "container"),
            Protocol = protocol,
        };
    }

    /// <summary>
    /// Like <see cref="Parse"/>, plus Docker's ranges: "8000-8002:80-82" (equal lengths) or "80-82" (free host ports),
    /// expanded to one mapping per port.
    /// </summary>
    public static IReadOnlyList<PortMapping> ParseAll(string spec)
    {
        var body = spec.Trim();
        var slash = body.LastIndexOf('/');
        var protocol = slash < 0 ? "" : body[slash..];
        var parts = (slash < 0 ? body : body[..slash]).Split(':');
        if (!parts.Any(p => p.Contains('-')))
        {
            return [Parse(spec)];
        }
        var containerRange = Range(spec, parts[^1], "container");
        (int First, int Count)? hostRange = parts.Length >= 2 && parts[^2].Length > 0 ? Range(spec, parts[^2], "host") : null;
        if (hostRange is { } h && h.Count != containerRange.Count)
        {
            throw Invalid(spec, $"the host range has {h.Count} ports and the container range {containerRange.Count}");
        }
        var prefix = parts.Length == 3 ? parts[0] + ":" : "";
        return Enumerable.Range(0, containerRange.Count)
            .Select(i => Parse($"{prefix}{(hostRange is { } hr ? (hr.First + i).ToString() : "")}{(parts.Length > 1 ? ":" : "")}{containerRange.First + i}{protocol}"))
            .ToList();
    }

    private static (int First, int Count) Range(string spec, string text, string which)
    {
        var dash = text.IndexOf('-');
        if (dash < 0)
        {
            return (ParsePort(spec, text, which), 1);
        }
        var first = ParsePort(spec, text[..dash], which);
        var last = ParsePort(spec, text[(dash + 1)..], which);
        if (last < first)
        {
            throw Invalid(spec, $"the {which} range '{text}' ends before it starts");
        }
        return (first, last - first + 1);
    }

    private static int ParsePort(string spec, string text, string which)
    {
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, null, out var port) || port is < 1 or > 65535)
        {
            throw Invalid(spec, $"the {which} port '{text}' is not a number from 1 to 65535");
        }
        return port;
    }

    private static ContainerToolsException Invalid(string spec, string why) =>
        new(ErrorIds.InvalidPortMapping, $"The port mapping '{spec}' is not valid: {why}.", spec);
}
