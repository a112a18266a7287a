using System.Buffers;
using System.Text.Json;
using ContainerTools.OciRuntime.Cgroups;

namespace ContainerTools.Ctrun;

/// <summary>
/// state.json written with Utf8JsonWriter and read with JsonDocument, not the serializer: the serializer builds its
/// metadata for a type at first use, by reflection over the type's attributes, and every `ctrun run` is a first use
/// (about 1 ms of CPU, measured with perf: docs/ctrun.md, Speed). The fields and their names are the ones state.json
/// always had.
/// </summary>
internal static class ContainerRecordJson
{
    public static byte[] Write(ContainerRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("id", record.Id);
            json.WriteNumber("pid", record.Pid);
            json.WriteNumber("startTime", record.StartTime);
            json.WriteString("bundle", record.Bundle);
            json.WriteString("rootfs", record.Rootfs);
            json.WriteString("created", record.Created);
            json.WriteString("owner", record.Owner);
            json.WriteString("ociVersion", record.OciVersion);
            WriteMap(json, "annotations", record.Annotations);
            if (record.Cgroup is { } cgroup)
            {
                json.WriteStartObject("cgroup");
                json.WriteNumber("version", (int)cgroup.Version);
                WriteMap(json, "directories", cgroup.Directories);
                json.WriteStartArray("createdParents");
                foreach (var parent in cgroup.CreatedParents) json.WriteStringValue(parent);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            else json.WriteNull("cgroup");
            if (record.SharedMountsBase is { } sharedMountsBase) json.WriteNumber("sharedMountsBase", sharedMountsBase);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="JsonException">Not JSON, or a field of the wrong type.</exception>
    public static ContainerRecord Read(byte[] bytes)
    {
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        try
        {
            return new ContainerRecord
            {
                Id = String(root, "id"),
                Pid = Field(root, "pid") is { } pid ? pid.GetInt32() : 0,
                StartTime = Field(root, "startTime") is { } startTime ? startTime.GetInt64() : 0,
                Bundle = String(root, "bundle"),
                Rootfs = String(root, "rootfs"),
                Created = Field(root, "created") is { } created ? created.GetDateTime() : default,
                Owner = String(root, "owner"),
                OciVersion = String(root, "ociVersion"),
                Annotations = Map(root, "annotations"),
                Cgroup = Field(root, "cgroup") is { } cgroup
                    ? new CgroupHandle
                    {
                        Version = (CgroupVersion)(Field(cgroup, "version")?.GetInt32() ?? 0),
                        Directories = Map(cgroup, "directories") ?? new(),
                        CreatedParents = Field(cgroup, "createdParents") is { } parents
                            ? parents.EnumerateArray().Select(parent => parent.GetString() ?? "").ToList()
                            : new(),
                    }
                    : null,
                SharedMountsBase = Field(root, "sharedMountsBase")?.GetInt32(),
            };
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    private static void WriteMap(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, string>? map)
    {
        if (map is null)
        {
            json.WriteNull(name);
            return;
        }
        json.WriteStartObject(name);
        foreach (var (key, value) in map) json.WriteString(key, value);
        json.WriteEndObject();
    }

    private static JsonElement? Field(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string String(JsonElement parent, string name) => Field(parent, name)?.GetString() ?? "";

    private static Dictionary<string, string>? Map(JsonElement parent, string name) =>
        Field(parent, name) is { } map ? map.EnumerateObject().ToDictionary(entry => entry.Name, entry => entry.Value.GetString() ?? "") : null;
}
