using System.Management.Automation;
using ContainerTools.Runtime.Images;

namespace ContainerTools.Cmdlets.Common;

/// <summary>
/// Whether an image name matches what a user typed for Get-ContainerImage -Name: a wildcard pattern against the
/// familiar (busybox:latest, busybox) and full (docker.io/library/busybox:latest) forms, or an exact reference.
/// </summary>
public sealed class ImageNameMatcher
{
    private readonly WildcardPattern pattern;
    private readonly ImageReference? exact;
    // "busybox" means every tag of busybox, as `docker images busybox` does, not only :latest.
    private readonly bool namesRepositoryOnly;

    public ImageNameMatcher(string text)
    {
        Text = text;
        HasWildcards = WildcardPattern.ContainsWildcardCharacters(text);
        pattern = WildcardPattern.Get(text, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        if (!HasWildcards)
        {
            ImageReference.TryParse(text, out exact);
            namesRepositoryOnly = !text.Contains('@') && text.LastIndexOf(':') <= text.LastIndexOf('/');
        }
    }

    public string Text { get; }
    public bool HasWildcards { get; }

    public bool Matches(ImageReference name) =>
        (exact is not null && (exact == name || (namesRepositoryOnly && exact.Name == name.Name)))
        || pattern.IsMatch(name.FamiliarString) || pattern.IsMatch(name.FamiliarName)
        || pattern.IsMatch(name.ToString()) || pattern.IsMatch(name.Name);

}
