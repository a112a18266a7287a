using System.Text.Json.Serialization;
using ContainerTools.OciRuntime.Cgroups;

namespace ContainerTools.Ctrun;

/// <summary>What ctrun keeps of one container in ROOT/ID/state.json (written once by create; <see cref="ContainerRecordJson"/>).</summary>
internal sealed record ContainerRecord
{
    public string Id { get; init; } = "";
    public int Pid { get; init; }
    /// <summary>/proc/PID/stat's start time: a reused pid is not the container.</summary>
    public long StartTime { get; init; }
    public string Bundle { get; init; } = "";
    public string Rootfs { get; init; } = "";
    public DateTime Created { get; init; }
    public string Owner { get; init; } = "";
    public string OciVersion { get; init; } = "";
    public Dictionary<string, string>? Annotations { get; init; }
    public CgroupHandle? Cgroup { get; init; }
    /// <summary>
    /// Without a mount namespace of its own, the container's mounts live in the caller's, stacked on the rootfs: how many
    /// mounts sat at the rootfs before create (delete detaches the ones above). Null: the container has its own.
    /// </summary>
    public int? SharedMountsBase { get; init; }
}

/// <summary>The state document `ctrun state` prints and hooks read on stdin (runc's fields and order).</summary>
internal sealed record ContainerStateDocument
{
    [JsonPropertyName("ociVersion")] public string OciVersion { get; init; } = "";
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("pid")] public int Pid { get; init; }
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonPropertyName("bundle")] public string Bundle { get; init; } = "";
    [JsonPropertyName("rootfs")] public string Rootfs { get; init; } = "";
    [JsonPropertyName("created")] public string Created { get; init; } = "";
    [JsonPropertyName("annotations")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, string>? Annotations { get; init; }
    [JsonPropertyName("owner")] public string Owner { get; init; } = "";
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(ContainerStateDocument))]
[JsonSerializable(typeof(List<ContainerStateDocument>))]
internal sealed partial class CtrunJsonContext : JsonSerializerContext
{
    /// <summary>One line, as runc writes what programs read (hooks' stdin, list --format json).</summary>
    public static CtrunJsonContext Compact { get; } = new(new System.Text.Json.JsonSerializerOptions { WriteIndented = false });
}
