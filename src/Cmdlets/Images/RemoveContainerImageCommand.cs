using System.Management.Automation;
using ContainerTools.Cmdlets.Common;

namespace ContainerTools.Cmdlets.Images;

/// <summary>
/// Removes a name from an image, and the image itself when that was its last name (or when given by id),
/// as `docker rmi` does. Layers no other image uses are deleted with it.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ContainerImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveContainerImageCommand : ContainerToolsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias(ImageParameter.ReferenceAlias, ImageParameter.NameAlias, ImageParameter.IdAlias)]
    [ArgumentCompleter(typeof(ImageNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Image { get; set; } = [];

    /// <summary>Remove even when containers still use the image.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecordLocally()
    {
        foreach (var nameOrId in Image)
        {
            var image = TryEngine(() => ResolveImage(nameOrId), nameOrId);
            if (image is null)
            {
                continue;
            }
            var what = nameOrId == image.Id || image.Names.Count <= 1 ? "Remove image" : "Untag image";
            if (!ShouldProcess($"{nameOrId} ({image.ShortId})", what))
            {
                continue;
            }
            if (TryEngine(() => Images.Remove(nameOrId, Force.IsPresent), nameOrId))
            {
                WriteVerbose($"{what}: {nameOrId} ({image.ShortId})");
            }
        }
    }
}
