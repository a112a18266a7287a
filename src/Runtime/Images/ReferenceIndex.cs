using System.Text.Json.Serialization;

namespace ContainerTools.Runtime.Images;

/// <summary>
/// images/repositories.json: every name (normalized reference, e.g. docker.io/library/busybox:latest) and the image id it points at.
/// Read freely; changed only under the store lock and written with AtomicFile.
/// </summary>
internal sealed record ReferenceIndex
{
    [JsonPropertyName("references")] public Dictionary<string, string> References { get; init; } = new(StringComparer.Ordinal);

    public IEnumerable<string> NamesOf(string imageId) =>
        References.Where(r => r.Value == imageId).Select(r => r.Key).OrderBy(n => n, StringComparer.Ordinal);
}
