using System.Text.Json;
using System.Text.Json.Serialization;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Network;

namespace ContainerTools.Api;

// GET /containers/json answers one entry per container (docker ps -a over a thousand of them): these are written
// field by field with the Utf8JsonWriter rather than as anonymous objects through reflection, which cost more than
// reading the containers.

/// <summary>One GET /containers/json entry (Docker's ContainerSummary).</summary>
[JsonConverter(typeof(ContainerSummaryConverter))]
internal sealed record ContainerSummary(Container Container, IReadOnlyList<Endpoint> Endpoints);

/// <summary>One NetworkSettings.Networks entry (Docker's EndpointSettings): the list's and inspect's.</summary>
[JsonConverter(typeof(NetworkEntryConverter))]
internal sealed record NetworkEntry(string Name, IReadOnlyList<string>? Aliases, Endpoint? Endpoint, string EndpointId);

internal sealed class ContainerSummaryConverter : JsonConverter<ContainerSummary>
{
    public override ContainerSummary Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException();

    public override void Write(Utf8JsonWriter w, ContainerSummary value, JsonSerializerOptions options)
    {
        var c = value.Container;
        var d = c.Definition;
        w.WriteStartObject();
        w.WriteString("Id", c.Id);
        w.WriteStartArray("Names");
        w.WriteStringValue("/" + c.Name);
        w.WriteEndArray();
        w.WriteString("Image", d.Image);
        w.WriteString("ImageID", DockerFormat.ImageId(d.ImageId));
        w.WriteString("Command", string.Join(' ', d.Args));
        w.WriteNumber("Created", DockerFormat.Unix(d.CreatedAt));
        WriteList(w, "Ports", ContainerViews.Ports(c), options);
        w.WriteStartObject("Labels");
        foreach (var (key, label) in d.Labels) w.WriteString(key, label);
        w.WriteEndObject();
        w.WriteString("State", DockerFormat.State(c));
        w.WriteString("Status", DockerFormat.Status(c));
        w.WriteStartObject("HostConfig");
        w.WriteString("NetworkMode", ContainerViews.NetworkMode(c));
        w.WriteEndObject();
        w.WriteStartObject("NetworkSettings");
        w.WritePropertyName("Networks");
        w.WriteStartObject();
        foreach (var (name, entry) in ContainerViews.Networks(c, value.Endpoints))
        {
            w.WritePropertyName(name);
            NetworkEntryConverter.WriteEntry(w, entry);
        }
        w.WriteEndObject();
        w.WriteEndObject();
        WriteList(w, "Mounts", d.Mounts.Count == 0 ? [] : ContainerViews.Mounts(c), options);
        w.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter w, string name, object[] items, JsonSerializerOptions options)
    {
        w.WritePropertyName(name);
        if (items.Length == 0)
        {
            w.WriteStartArray();
            w.WriteEndArray();
        }
        else
        {
            JsonSerializer.Serialize(w, items, options);
        }
    }
}

internal sealed class NetworkEntryConverter : JsonConverter<NetworkEntry>
{
    public override NetworkEntry Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException();

    public override void Write(Utf8JsonWriter writer, NetworkEntry value, JsonSerializerOptions options) => WriteEntry(writer, value);

    public static void WriteEntry(Utf8JsonWriter w, NetworkEntry entry)
    {
        var e = entry.Endpoint;
        w.WriteStartObject();
        w.WriteNull("IPAMConfig");
        w.WriteNull("Links");
        if (entry.Aliases is { } aliases)
        {
            w.WriteStartArray("Aliases");
            foreach (var alias in aliases) w.WriteStringValue(alias);
            w.WriteEndArray();
        }
        else
        {
            w.WriteNull("Aliases");
        }
        w.WriteString("NetworkID", entry.Name);
        w.WriteString("EndpointID", entry.EndpointId);
        w.WriteString("Gateway", e?.Gateway ?? "");
        w.WriteString("IPAddress", e?.IpAddress ?? "");
        w.WriteNumber("IPPrefixLen", e?.PrefixLength ?? 0);
        w.WriteString("IPv6Gateway", "");
        w.WriteString("GlobalIPv6Address", "");
        w.WriteNumber("GlobalIPv6PrefixLen", 0);
        w.WriteString("MacAddress", e?.MacAddress ?? "");
        w.WriteNull("DriverOpts");
        w.WriteEndObject();
    }
}
