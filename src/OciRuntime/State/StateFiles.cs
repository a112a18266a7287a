using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Files;

namespace ContainerTools.OciRuntime.State;

/// <summary>Reads and writes a container's JSON files (source-generated type info only, so the NativeAOT monitor needs no reflection).</summary>
public static class StateFiles
{
    /// <summary>
    /// The file's value, or null when it does not exist or is empty; InvalidContainerState when it is not valid JSON
    /// for <typeparamref name="T"/>.
    /// </summary>
    /// <remarks>
    /// Empty is what a write that skipped the fsync (<c>durable: false</c>) can leave of a new file after a power cut
    /// (the rename reached the disk, the delayed data did not): the file was never there as far as a reader goes.
    /// </remarks>
    public static T? Read<T>(string path, JsonTypeInfo<T> type) where T : class
    {
        var bytes = Linux.WholeFiles.TryRead(path);
        if (bytes is null || bytes.Length == 0) return null;
        try
        {
            return JsonSerializer.Deserialize(bytes, type);
        }
        catch (JsonException ex)
        {
            throw new ContainerToolsException(ErrorIds.InvalidContainerState, $"The container file '{path}' is not valid: {ex.Message}", path, ex);
        }
    }

    /// <summary>
    /// As <see cref="Read{T}(string, JsonTypeInfo{T})"/>, through <paramref name="read"/> over the parsed document
    /// instead of serializer metadata (<see cref="MonitorFileJson"/>); what <paramref name="read"/> finds of the wrong
    /// kind is InvalidContainerState too.
    /// </summary>
    public static T? Read<T>(string path, Func<JsonElement, T> read) where T : class
    {
        var bytes = Linux.WholeFiles.TryRead(path);
        if (bytes is null || bytes.Length == 0) return null;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.ValueKind == JsonValueKind.Null ? null : read(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new ContainerToolsException(ErrorIds.InvalidContainerState, $"The container file '{path}' is not valid: {ex.Message}", path, ex);
        }
    }

    /// <summary>Replaces the file atomically; <paramref name="durable"/>: fsync first (see <see cref="AtomicFile.WriteAllBytes"/>).</summary>
    /// <returns>The new file's stat (<see cref="AtomicFile.Write"/>).</returns>
    public static Tmds.Linux.stat Write<T>(string path, T value, JsonTypeInfo<T> type, bool durable = true) =>
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(value, type), durable);
}

/// <summary>Source-generated JSON for the files the monitor reads and writes.</summary>
[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(MonitoredContainer))]
[JsonSerializable(typeof(MonitoredState))]
[JsonSerializable(typeof(MonitorStartedRecord))]
[JsonSerializable(typeof(MonitorExitRecord))]
[JsonSerializable(typeof(LogRecord))]
[JsonSerializable(typeof(CgroupHandle))]
[JsonSerializable(typeof(MonitorHealthRecord))]
public sealed partial class MonitorStateJson : JsonSerializerContext
{
}
