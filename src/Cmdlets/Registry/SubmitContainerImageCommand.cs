using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Registry;

namespace ContainerTools.Cmdlets.Registry;

/// <summary>
/// Uploads a stored image to a registry (`docker push`): blobs the registry has are skipped, blobs another repository of
/// the same registry holds are mounted, the rest uploaded, and the stored manifest is PUT last, so the digest is kept.
/// </summary>
[Cmdlet(VerbsLifecycle.Submit, "ContainerImage")]
[OutputType(typeof(PushedImage))]
public sealed class SubmitContainerImageCommand : RegistryCmdlet
{
    // No "Name" alias here (other image cmdlets have one): -Name is the target.
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias(ImageParameter.ReferenceAlias, ImageParameter.IdAlias)]
    [ArgumentCompleter(typeof(ImageNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Image { get; set; } = [];

    /// <summary>Where to push (registry/repository[:tag]); by default the name the image was given by.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Credentials for the target registry; stored logins (Connect-ContainerRegistry) are used otherwise.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    protected override void ProcessRecordLocally()
    {
        foreach (var nameOrId in Image)
        {
            var image = TryEngine(() => ResolveImage(nameOrId), nameOrId);
            if (image is null)
            {
                continue;
            }
            var target = TryEngine(() => Target(nameOrId, image), nameOrId);
            if (target is null)
            {
                continue;
            }
            var progress = NewProgress($"Pushing {target.FamiliarString}");
            var result = TryEngine(() =>
            {
                using var pusher = new ImagePusher(Images, Config, Logins(Credential, target.Registry));
                return pusher.Push(image.Id, target, progress, Cancellation);
            }, target.ToString());
            progress.Complete();
            if (result is not null)
            {
                WriteObject(new PushedImage
                {
                    Reference = result.Reference.ToString(),
                    Digest = result.ManifestDigest,
                    Id = result.Image.Id,
                    Uploaded = result.BlobsUploaded,
                    Mounted = result.BlobsMounted,
                    Skipped = result.BlobsSkipped,
                });
            }
        }
    }

    /// <summary>-Name, else the name the image was given by (an id names no repository to push to).</summary>
    private ImageReference Target(string nameOrId, Image image)
    {
        if (Name is not null)
        {
            return Config.ParseReference(Name);
        }
        if (!nameOrId.StartsWith(Runtime.Oci.Digest.Sha256Prefix, StringComparison.Ordinal) && ImageReference.TryParse(nameOrId, out _))
        {
            var reference = Config.ParseReference(nameOrId);
            if (image.Names.Contains(reference))
            {
                return reference;
            }
        }
        throw new ContainerToolsException(ErrorIds.PushTargetRequired, $"'{nameOrId}' is not a name of the image {image.ShortId}; give the target with -Name registry/repository:tag.", nameOrId);
    }
}
