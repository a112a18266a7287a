using System.Text.Json.Serialization;

namespace ContainerTools.OciRuntime.Events;

/// <summary>
/// One line of events/events.jsonl: something that happened to a container (docker events' container actions:
/// create, start, die, oom, pause, unpause, stop, destroy, exec, rename).
/// </summary>
public sealed record ContainerEvent
{
    [JsonPropertyName("time")] public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;
    [JsonPropertyName("type")] public string Type { get; init; } = "container";
    [JsonPropertyName("action")] public required string Action { get; init; }
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("image")] public string Image { get; init; } = "";
    /// <summary>Details of the action: exitCode (die), oldName (rename), signal (stop), execId/command (exec).</summary>
    [JsonPropertyName("attributes")] public Dictionary<string, string> Attributes { get; init; } = new();

    /// <summary>An event about the container <paramref name="id"/> with its current name and image.</summary>
    public static ContainerEvent For(string id, string name, string image, string action, Dictionary<string, string>? attributes = null) => new()
    {
        Action = action,
        Id = id,
        Name = name,
        Image = image,
        Attributes = attributes ?? new Dictionary<string, string>(),
    };
}

/// <summary>The actions the engine and the monitor record.</summary>
public static class ContainerEventActions
{
    public const string Create = "create";
    public const string Start = "start";
    public const string Die = "die";
    public const string Oom = "oom";
    public const string Pause = "pause";
    public const string Unpause = "unpause";
    public const string Stop = "stop";
    public const string Destroy = "destroy";
    public const string Exec = "exec";
    public const string Rename = "rename";
    public const string Update = "update";

    /// <summary>Docker's "health_status: healthy" (and unhealthy, starting), written by ctmon when the status changes.</summary>
    public static string HealthStatus(string status) => $"health_status: {status}";
}

[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(ContainerEvent))]
internal sealed partial class ContainerEventJson : JsonSerializerContext
{
}
