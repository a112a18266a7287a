using System.Text.Json;

namespace ContainerTools.OciRuntime.Spec;

/// <summary>
/// A runtime-spec property this runtime does not implement (see <see cref="RuntimeSpecReader.NotImplemented"/>): refused
/// rather than ignored, since a container that silently runs without its seccomp profile or its uid mappings is not
/// the container that was asked for. A <see cref="JsonException"/>, so that every reader of config.json refuses it.
/// </summary>
public sealed class RuntimeSpecFieldNotSupportedException(string field)
    : JsonException($"the runtime-spec field '{field}' is not supported by this runtime; remove it from the bundle's config.json")
{
    /// <summary>The field's path in the document, for example linux.seccomp.</summary>
    public string Field { get; } = field;
}
