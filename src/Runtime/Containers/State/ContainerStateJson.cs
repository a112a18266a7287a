using System.Text.Json;
using System.Text.Json.Serialization;
using ContainerTools.Runtime.Cgroups;
using ContainerTools.Runtime.Errors;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Containers.State;

/// <summary>Source-generated JSON for the container files, so the NativeAOT monitor reads and writes them without reflection.</summary>
[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ContainerDefinition))]
[JsonSerializable(typeof(ContainerRuntimeState))]
[JsonSerializable(typeof(MonitorStartedRecord))]
[JsonSerializable(typeof(MonitorExitRecord))]
[JsonSerializable(typeof(LogRecord))]
[JsonSerializable(typeof(CgroupHandle))]
public sealed partial class ContainerStateJson : JsonSerializerContext
{
    public static T? ReadFile<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        try
        {
            return JsonSerializer.Deserialize(bytes, type);
        }
        catch (JsonException ex)
        {
            throw new ContainerToolsException(ErrorIds.InvalidContainerState, $"The container file '{path}' is not valid: {ex.Message}", path, ex);
        }
    }

    public static void WriteFile<T>(string path, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(value, type));
}
