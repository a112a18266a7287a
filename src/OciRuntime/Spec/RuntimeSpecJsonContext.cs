using System.Text.Json.Serialization;

namespace ContainerTools.OciRuntime.Spec;

/// <summary>Source-generated so that ctinit (NativeAOT, no reflection) reads config.json with the same records.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, MaxDepth = 64)]
[JsonSerializable(typeof(RuntimeSpec))]
public sealed partial class RuntimeSpecJsonContext : JsonSerializerContext
{
}
