using System.Text.Json.Serialization;

namespace ContainerTools.OciRuntime.Spec;

/// <summary>The spec's hooks, by lifecycle point (config.md#posix-platform-hooks).</summary>
public sealed record HooksSpec
{
    [JsonPropertyName("prestart")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<HookSpec>? Prestart { get; init; }
    [JsonPropertyName("createRuntime")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<HookSpec>? CreateRuntime { get; init; }
    [JsonPropertyName("createContainer")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<HookSpec>? CreateContainer { get; init; }
    [JsonPropertyName("startContainer")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<HookSpec>? StartContainer { get; init; }
    [JsonPropertyName("poststart")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<HookSpec>? Poststart { get; init; }
    [JsonPropertyName("poststop")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<HookSpec>? Poststop { get; init; }
}

public sealed record HookSpec
{
    [JsonPropertyName("path")] public string Path { get; init; } = "";
    [JsonPropertyName("args")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Args { get; init; }
    [JsonPropertyName("env")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Env { get; init; }
    /// <summary>Seconds; null: no limit.</summary>
    [JsonPropertyName("timeout")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Timeout { get; init; }
}
