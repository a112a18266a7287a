using System.Text.Json.Serialization;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Containers.Devices;

/// <summary>
/// A host device given to a container (Docker's --device, HostConfig.Devices): the node or directory of nodes on the
/// host, where it appears in the container, and what the device cgroup allows on it (some of r, w, m).
/// </summary>
public sealed record DeviceMapping
{
    public const string AllPermissions = "rwm";

    [JsonPropertyName("pathOnHost")] public required string PathOnHost { get; init; }
    [JsonPropertyName("pathInContainer")] public required string PathInContainer { get; init; }
    [JsonPropertyName("cgroupPermissions")] public string CgroupPermissions { get; init; } = AllPermissions;

    /// <summary>
    /// Docker's forms: "/dev/fuse", "/dev/fuse:/dev/myfuse", "/dev/fuse:rw", "/dev/fuse:/dev/myfuse:rwm". A second field
    /// that reads as permissions is permissions, as in Docker. The container path must be under /dev, where the
    /// container's own device nodes are made.
    /// </summary>
    public static DeviceMapping Parse(string text)
    {
        var parts = text.Split(':');
        if (parts.Length > 3 || parts[0].Length == 0) throw Invalid(text, "expected HOST_PATH[:CONTAINER_PATH][:PERMISSIONS]");
        var host = parts[0];
        var container = host;
        var permissions = AllPermissions;
        if (parts.Length == 2)
        {
            if (IsPermissions(parts[1])) permissions = parts[1];
            else container = parts[1];
        }
        else if (parts.Length == 3)
        {
            container = parts[1];
            permissions = parts[2];
            if (!IsPermissions(permissions)) throw Invalid(text, $"'{permissions}' is not a combination of r, w and m");
        }
        if (!host.StartsWith('/')) throw Invalid(text, $"the host path '{host}' is not absolute");
        if (!container.StartsWith('/')) throw Invalid(text, $"the container path '{container}' is not absolute");
        container = Path.TrimEndingDirectorySeparator(Path.GetFullPath(container)); // lexical, as Docker cleans it
        if (!container.StartsWith("/dev/", StringComparison.Ordinal) || container.Length == "/dev/".Length)
            throw Invalid(text, $"the container path '{container}' is not under /dev");
        return new DeviceMapping { PathOnHost = host, PathInContainer = container, CgroupPermissions = permissions };
    }

    /// <summary>Docker's rule: not empty, only r, w and m, each at most once.</summary>
    private static bool IsPermissions(string text) =>
        text.Length > 0 && text.Distinct().Count() == text.Length && DeviceRule.ParseAccess(text) is not null;

    private static ContainerToolsException Invalid(string text, string reason) =>
        new(ErrorIds.InvalidDeviceMapping, $"The device '{text}' is invalid: {reason}.", text);
}
