using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Images;

namespace ContainerTools.Cmdlets.Images;

/// <summary>Gives an image another name (`docker tag`).</summary>
[Cmdlet(VerbsCommon.Add, "ContainerImageTag")]
[OutputType(typeof(ContainerImage))]
public sealed class AddContainerImageTagCommand : ContainerToolsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias(ImageParameter.ReferenceAlias, ImageParameter.NameAlias, ImageParameter.IdAlias)]
    [ArgumentCompleter(typeof(ImageNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Image { get; set; } = [];

    /// <summary>The new names: repository[:tag]; a missing tag means :latest.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[] Tag { get; set; } = [];

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecordLocally()
    {
        foreach (var nameOrId in Image)
        {
            foreach (var tag in Tag)
            {
                var image = TryEngine(() => Images.Tag(nameOrId, tag), tag);
                if (image is not null && PassThru)
                {
                    var reference = ImageReference.Parse(tag);
                    WriteObject(ContainerImage.Row(image, image.Names.FirstOrDefault(n => n == reference) ?? reference));
                }
            }
        }
    }
}
