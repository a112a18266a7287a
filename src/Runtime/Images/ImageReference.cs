using System.Text.RegularExpressions;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Images;

/// <summary>
/// A normalized image reference, as Docker normalizes it: <c>busybox</c> is <c>docker.io/library/busybox:latest</c>.
/// A reference names a tag, a digest, or both (<c>repo:tag@sha256:...</c>).
/// </summary>
public sealed partial record ImageReference(string Registry, string Repository, string? Tag, string? Digest)
{
    public const string DefaultRegistry = "docker.io";
    public const string DefaultTag = "latest";
    private const string OfficialNamespace = "library";

    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$")]
    private static partial Regex PathComponent();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex("^sha256:[a-f0-9]{64}$")]
    private static partial Regex DigestPattern();

    [GeneratedRegex("^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$")]
    private static partial Regex RegistryPattern();

    /// <summary>registry/repository, without tag or digest.</summary>
    public string Name => $"{Registry}/{Repository}";

    /// <summary>The fully qualified form: registry/repository[:tag][@digest].</summary>
    public override string ToString() =>
        Name + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    /// <summary>The short form Docker prints: <c>busybox:latest</c>, <c>user/app:1</c>, <c>127.0.0.1:5000/app:1</c>.</summary>
    public string FamiliarName
    {
        get
        {
            var repo = Registry == DefaultRegistry
                ? (Repository.StartsWith(OfficialNamespace + "/", StringComparison.Ordinal) ? Repository[(OfficialNamespace.Length + 1)..] : Repository)
                : Name;
            return repo;
        }
    }

    public string FamiliarString => FamiliarName + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    public ImageReference WithTag(string tag) => this with { Tag = tag, Digest = null };

    public static bool IsDigest(string value) => DigestPattern().IsMatch(value);

    public static bool TryParse(string? text, out ImageReference? reference)
    {
        reference = null;
        try
        {
            reference = Parse(text!);
            return true;
        }
        catch (ContainerToolsException)
        {
            return false;
        }
    }

    /// <summary>Parses and normalizes; a reference without tag or digest gets <c>:latest</c>.</summary>
    public static ImageReference Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Invalid(text, "it is empty");
        }
        if (text.Length > 4096 || text.Any(char.IsWhiteSpace))
        {
            throw Invalid(text, "it contains whitespace or is too long");
        }

        var rest = text;
        string? digest = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
            if (!DigestPattern().IsMatch(digest))
            {
                throw Invalid(text, $"'{digest}' is not a sha256 digest (sha256: followed by 64 lowercase hex digits)");
            }
        }

        string? tag = null;
        var lastSlash = rest.LastIndexOf('/');
        var colon = rest.IndexOf(':', lastSlash + 1);
        if (colon >= 0)
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!TagPattern().IsMatch(tag))
            {
                throw Invalid(text, $"'{tag}' is not a valid tag");
            }
        }

        string registry;
        string repository;
        var firstSlash = rest.IndexOf('/');
        var first = firstSlash < 0 ? null : rest[..firstSlash];
        if (first is not null && (first.Contains('.') || first.Contains(':') || first == "localhost" || first.Any(char.IsUpper)))
        {
            registry = first;
            repository = rest[(firstSlash + 1)..];
            if (!RegistryPattern().IsMatch(registry))
            {
                throw Invalid(text, $"'{registry}' is not a valid registry host");
            }
        }
        else
        {
            registry = DefaultRegistry;
            repository = rest;
        }

        if (registry is "index.docker.io" or "registry-1.docker.io")
        {
            registry = DefaultRegistry;
        }
        if (registry == DefaultRegistry && !repository.Contains('/'))
        {
            repository = OfficialNamespace + "/" + repository;
        }

        if (repository.Length == 0 || repository.Length > 255)
        {
            throw Invalid(text, "the repository name is empty or longer than 255 characters");
        }
        foreach (var component in repository.Split('/'))
        {
            if (!PathComponent().IsMatch(component))
            {
                throw Invalid(text, repository.Any(char.IsUpper)
                    ? "repository names must be lowercase"
                    : $"'{component}' is not a valid repository path component");
            }
        }

        if (tag is null && digest is null)
        {
            tag = DefaultTag;
        }
        return new ImageReference(registry, repository, tag, digest);
    }

    private static ContainerToolsException Invalid(string? text, string why) =>
        new(ErrorIds.InvalidImageReference, $"'{text}' is not a valid image reference: {why}.", text);
}
