using System.Collections;
using ContainerTools.Runtime.Images;

namespace ContainerTools;

/// <summary>
/// One row of Get-ContainerImage, as `docker images` prints them: one object per repository:tag, so an image with
/// two tags gives two objects with the same Id, and an image without names gives one object whose Repository and Tag
/// are "&lt;none&gt;". <see cref="Reference"/> (the row's name, or the Id when it has none) is what other cmdlets bind.
/// </summary>
public sealed class ContainerImage
{
    public const string None = "<none>";

    /// <summary>The familiar repository (busybox, user/app, 127.0.0.1:5000/app), or &lt;none&gt;.</summary>
    public string Repository { get; init; } = None;
    public string Tag { get; init; } = None;
    /// <summary>This row's familiar name (busybox:latest), or null for an image without names.</summary>
    public string? Name { get; init; }
    /// <summary>This row's fully qualified name (docker.io/library/busybox:latest), or the Id for an image without names.</summary>
    public string Reference { get; init; } = "";
    /// <summary>The config digest: sha256:... (64 hex digits).</summary>
    public string Id { get; init; } = "";
    public string ShortId { get; init; } = "";
    /// <summary>The manifest digest the image was stored with.</summary>
    public string? Digest { get; init; }
    public DateTime? Created { get; init; }
    /// <summary>Bytes: the sum of the unpacked layers.</summary>
    public long Size { get; init; }
    /// <summary>The layers' diff ids, lowest first.</summary>
    public string[] Layers { get; init; } = [];
    public string Os { get; init; } = "";
    public string Architecture { get; init; } = "";
    public Hashtable Labels { get; init; } = new();
    public string[] Entrypoint { get; init; } = [];
    public string[] Cmd { get; init; } = [];
    public string[] Env { get; init; } = [];
    public string? WorkingDir { get; init; }
    public string? User { get; init; }
    public string[] ExposedPorts { get; init; } = [];
    /// <summary>Every fully qualified name of the image, not only this row's.</summary>
    public string[] Names { get; init; } = [];

    public override string ToString() => Reference;

    /// <summary>One row per name, in the store's order; a single &lt;none&gt; row when the image has no names.</summary>
    public static IEnumerable<ContainerImage> Rows(Image image) =>
        image.Names.Count == 0 ? [Row(image, null)] : image.Names.Select(name => Row(image, name));

    public static ContainerImage Row(Image image, ImageReference? name)
    {
        var config = image.Config.Config;
        var labels = new Hashtable(StringComparer.Ordinal);
        foreach (var (key, value) in config?.Labels ?? new Dictionary<string, string>())
        {
            labels[key] = value;
        }
        return new ContainerImage
        {
            Repository = name?.FamiliarName ?? None,
            Tag = name?.Tag ?? None,
            Name = name?.FamiliarString,
            Reference = name?.ToString() ?? image.Id,
            Id = image.Id,
            ShortId = image.ShortId,
            Digest = image.ManifestDigest,
            Created = image.Created?.LocalDateTime,
            Size = image.Size,
            Layers = image.Layers.Select(l => l.DiffId).ToArray(),
            Os = image.Config.Os,
            Architecture = image.Config.Architecture,
            Labels = labels,
            Entrypoint = config?.Entrypoint?.ToArray() ?? [],
            Cmd = config?.Cmd?.ToArray() ?? [],
            Env = config?.Env?.ToArray() ?? [],
            WorkingDir = string.IsNullOrEmpty(config?.WorkingDir) ? null : config.WorkingDir,
            User = string.IsNullOrEmpty(config?.User) ? null : config.User,
            ExposedPorts = config?.ExposedPorts?.Keys.Order(StringComparer.Ordinal).ToArray() ?? [],
            Names = image.Names.Select(n => n.ToString()).ToArray(),
        };
    }
}
