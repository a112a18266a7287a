using System.Management.Automation;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Oci;
using ContainerTools.Runtime.Registry;

namespace ContainerTools.Cmdlets.Registry;

/// <summary>
/// Downloads images from a registry into the store (`docker pull`): layers the store has are not downloaded again,
/// every blob is verified, and an interrupted pull leaves no partial image. Writes the pulled image's row.
/// </summary>
[Cmdlet(VerbsLifecycle.Request, "ContainerImage")]
[OutputType(typeof(ContainerImage))]
public sealed class RequestContainerImageCommand : RegistryCmdlet
{
    /// <summary>References to pull: busybox, busybox:1.36, registry.example.com/app:1, app@sha256:...</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Reference")]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    /// <summary>os/architecture[/variant] to pick from a multi-platform image; linux/amd64 by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Platform { get; set; }

    /// <summary>Credentials for the registry of the references; stored logins (Connect-ContainerRegistry) are used otherwise.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Pull every tag of the repository.</summary>
    [Parameter]
    public SwitchParameter AllTags { get; set; }

    protected override void ProcessRecordLocally()
    {
        Platform? platform = null;
        if (Platform is not null && !TryEngine(() => { platform = PlatformSelector.Parse(Platform); }, Platform))
        {
            return;
        }
        foreach (var text in Name)
        {
            var reference = TryEngine(() => ParseReference(text), text);
            if (reference is null)
            {
                continue;
            }
            var progress = NewProgress($"Pulling {reference.FamiliarString}");
            var pulled = TryEngine(() =>
            {
                using var puller = new ImagePuller(Images, Config, Logins(Credential, reference.Registry));
                return AllTags
                    ? puller.PullAllTags(reference, platform, progress, Cancellation)
                    : (IReadOnlyList<PulledImage>)[new PulledImage(reference, puller.Pull(reference, platform, progress, Cancellation))];
            }, text);
            progress.Complete();
            foreach (var (name, image) in pulled ?? [])
            {
                WriteObject(ContainerImage.Row(image, name));
            }
        }
    }

    private ImageReference ParseReference(string text)
    {
        var reference = Config.ParseReference(text);
        if (AllTags && (reference.Digest is not null || HasExplicitTag(text)))
        {
            throw new ContainerToolsException(ErrorIds.TagWithAllTags, $"'{text}' names a tag or digest; -AllTags takes a repository (e.g. {reference.FamiliarName}).", text);
        }
        return reference;
    }

    private static bool HasExplicitTag(string text) => text.IndexOf(':', text.LastIndexOf('/') + 1) >= 0;
}
