using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Oci;

namespace ContainerTools.Runtime.Registry;

/// <summary>Platforms as users write them (linux/amd64, linux/arm64/v8) and the choice of one manifest from an index.</summary>
public static class PlatformSelector
{
    public static Platform Default { get; } = new() { Os = "linux", Architecture = "amd64" };

    public static Platform Parse(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0 || p.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '_' && c != '.' && c != '-')))
        {
            throw new ContainerToolsException(ErrorIds.InvalidPlatform, $"'{text}' is not a platform: write os/architecture[/variant], e.g. linux/amd64.", text);
        }
        return new Platform { Os = parts[0], Architecture = parts[1], Variant = parts.Length == 3 ? parts[2] : null };
    }

    public static string Format(Platform platform) =>
        platform.Os + "/" + platform.Architecture + (string.IsNullOrEmpty(platform.Variant) ? "" : "/" + platform.Variant);

    /// <summary>The index entry for <paramref name="wanted"/>: same os and architecture, and the variant when one is asked for.</summary>
    public static Descriptor Select(ImageIndex index, Platform wanted, string name)
    {
        var candidates = index.Manifests
            .Where(m => m.Platform is { } p && p.Os == wanted.Os && p.Architecture == wanted.Architecture && MediaTypes.IsManifest(m.MediaType))
            .ToList();
        var chosen = wanted.Variant is null
            ? candidates.FirstOrDefault(m => string.IsNullOrEmpty(m.Platform!.Variant) || m.Platform.Variant == DefaultVariant(wanted.Architecture)) ?? candidates.FirstOrDefault()
            : candidates.FirstOrDefault(m => (m.Platform!.Variant ?? DefaultVariant(wanted.Architecture)) == wanted.Variant);
        if (chosen is null)
        {
            var offered = index.Manifests.Where(m => m.Platform is not null).Select(m => Format(m.Platform!)).Distinct().ToList();
            throw new ContainerToolsException(ErrorIds.PlatformNotFoundInRegistry, $"The image '{name}' has no {Format(wanted)} variant; it offers {(offered.Count == 0 ? "none" : string.Join(", ", offered))}.", name);
        }
        return chosen;
    }

    private static string? DefaultVariant(string architecture) => architecture switch
    {
        "arm64" => "v8",
        _ => null,
    };
}
