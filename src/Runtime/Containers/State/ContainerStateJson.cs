using System.Text.Json;
using System.Text.Json.Serialization;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers.State;

/// <summary>Source-generated JSON for the engine's container files (the monitor uses the low-level library's MonitorStateJson).</summary>
[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ContainerDefinition))]
[JsonSerializable(typeof(ContainerRuntimeState))]
[JsonSerializable(typeof(MonitorStartedRecord))]
[JsonSerializable(typeof(MonitorExitRecord))]
[JsonSerializable(typeof(LogRecord))]
[JsonSerializable(typeof(CgroupHandle))]
[JsonSerializable(typeof(MonitorHealthRecord))]
public sealed partial class ContainerStateJson : JsonSerializerContext
{
    public static T? ReadFile<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class =>
        StateFiles.Read(path, type);

    public static void WriteFile<T>(string path, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, bool durable = true) =>
        StateFiles.Write(path, value, type, durable);
}
