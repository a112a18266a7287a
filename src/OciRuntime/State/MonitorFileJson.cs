using System.Buffers;
using System.Text.Json;
using ContainerTools.OciRuntime.Cgroups;

namespace ContainerTools.OciRuntime.State;

/// <summary>
/// The JSON of the files ctmon reads and writes on every start and exit (state.json and container.json read;
/// started.json, exit.json and container.log written) through JsonDocument and Utf8JsonWriter alone.
/// </summary>
/// <remarks>
/// Why not the serializer: in a NativeAOT process the first use of each type's metadata (MonitorStateJson) configures
/// its JsonTypeInfo and searches the type's custom attributes for polymorphism by reflection, which starts the
/// reflection runtime: about 1.5 ms of CPU in every monitor (issue 17), on a machine the start keeps busy. The files
/// are the same: property names, order and formats as MonitorStateJson writes and reads them, which the engine reads
/// them with (MonitorFileJsonTests check both ways). A file the monitor seldom touches (health.json) keeps the serializer.
/// </remarks>
public static class MonitorFileJson
{
    /// <summary>What the monitor needs of state.json, read as MonitorStateJson.Default.MonitoredState would.</summary>
    public static MonitoredState ReadState(JsonElement state) => new()
    {
        Status = state.TryGetProperty("status", out var status) ? Status(status) : ContainerStatus.Created,
        MonitorPid = Int32(state, "monitorPid"),
        Cgroup = state.TryGetProperty("cgroup", out var cgroup) && cgroup.ValueKind != JsonValueKind.Null ? ReadCgroup(cgroup) : null,
        StoppedByUser = Boolean(state, "stoppedByUser"),
    };

    /// <summary>What the monitor needs of container.json, read as MonitorStateJson.Default.MonitoredContainer would.</summary>
    public static MonitoredContainer ReadContainer(JsonElement definition) => new()
    {
        Id = definition.TryGetProperty("id", out var id) ? id.GetString()! : throw new JsonException("container.json has no \"id\"."),
        Name = String(definition, "name"),
        Image = String(definition, "image"),
        Interactive = Boolean(definition, "interactive"),
        Tty = Boolean(definition, "tty"),
        AutoRemove = Boolean(definition, "autoRemove"),
        // Cloned: the elements outlive the document they were read from.
        ConnectedNetworks = definition.TryGetProperty("connectedNetworks", out var networks) && networks.ValueKind != JsonValueKind.Null
            ? networks.EnumerateArray().Select(network => network.Clone()).ToList()
            : [],
    };

    public static CgroupHandle ReadCgroup(JsonElement cgroup) => new()
    {
        Version = (CgroupVersion)Int32(cgroup, "version"),
        Directories = cgroup.TryGetProperty("directories", out var directories) && directories.ValueKind != JsonValueKind.Null
            ? directories.EnumerateObject().ToDictionary(directory => directory.Name, directory => directory.Value.GetString()!)
            : new(),
        CreatedParents = cgroup.TryGetProperty("createdParents", out var parents) && parents.ValueKind != JsonValueKind.Null
            ? parents.EnumerateArray().Select(parent => parent.GetString()!).ToList()
            : new(),
    };

    public static byte[] Write(MonitorStartedRecord started) => WriteObject(started, static (writer, started) =>
    {
        writer.WriteNumber("pid", started.Pid);
        writer.WriteNumber("monitorPid", started.MonitorPid);
        writer.WriteNumber("monitorStartTime", started.MonitorStartTime);
        writer.WriteString("startedAt", started.StartedAt);
        writer.WriteNumber("restartCount", started.RestartCount);
        writer.WriteBoolean("restarting", started.Restarting);
        if (started.LastExitCode is { } code) writer.WriteNumber("lastExitCode", code);
        else writer.WriteNull("lastExitCode");
    });

    public static byte[] Write(MonitorExitRecord exit) => WriteObject(exit, static (writer, exit) =>
    {
        writer.WriteNumber("exitCode", exit.ExitCode);
        writer.WriteNumber("signal", exit.Signal);
        writer.WriteBoolean("oomKilled", exit.OomKilled);
        writer.WriteString("finishedAt", exit.FinishedAt);
        if (exit.Error is not null) writer.WriteString("error", exit.Error);
        writer.WriteNumber("restartCount", exit.RestartCount);
    });

    public static byte[] Write(LogRecord record) => WriteObject(record, static (writer, record) =>
    {
        writer.WriteString("log", record.Log);
        writer.WriteString("stream", record.Stream);
        writer.WriteString("time", record.Time);
    });

    /// <summary>One JSON object, written without indentation or a final newline, as the serializer writes it.</summary>
    public static byte[] WriteObject<T>(T value, Action<Utf8JsonWriter, T> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeProperties(writer, value);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    // As JsonStringEnumConverter<ContainerStatus> reads it: the member's name, or its number.
    private static ContainerStatus Status(JsonElement status) => status.ValueKind switch
    {
        JsonValueKind.Number => (ContainerStatus)status.GetInt32(),
        _ => status.GetString() switch
        {
            nameof(ContainerStatus.Created) => ContainerStatus.Created,
            nameof(ContainerStatus.Running) => ContainerStatus.Running,
            nameof(ContainerStatus.Paused) => ContainerStatus.Paused,
            nameof(ContainerStatus.Exited) => ContainerStatus.Exited,
            var other => throw new JsonException($"'{other}' is not a container status."),
        },
    };

    private static int Int32(JsonElement value, string name) => value.TryGetProperty(name, out var property) ? property.GetInt32() : 0;

    private static bool Boolean(JsonElement value, string name) => value.TryGetProperty(name, out var property) && property.GetBoolean();

    private static string String(JsonElement value, string name) =>
        value.TryGetProperty(name, out var property) && property.ValueKind != JsonValueKind.Null ? property.GetString()! : "";
}
