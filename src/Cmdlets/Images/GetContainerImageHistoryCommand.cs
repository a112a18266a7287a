using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Images;

namespace ContainerTools.Cmdlets.Images;

/// <summary>docker history: one object per history entry of an image, newest first, with the size of the layer it made.</summary>
[Cmdlet(VerbsCommon.Get, "ContainerImageHistory")]
[OutputType(typeof(ContainerImageHistory))]
public sealed class GetContainerImageHistoryCommand : ContainerToolsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias(ImageParameter.ReferenceAlias, ImageParameter.NameAlias, ImageParameter.IdAlias)]
    [ArgumentCompleter(typeof(ImageNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Image { get; set; } = [];

    protected override void ProcessRecordLocally()
    {
        foreach (var text in Image)
        {
            var image = TryEngine(() => ResolveImage(text), text);
            if (image is null)
            {
                continue;
            }
            foreach (var entry in ImageHistory.Of(image))
            {
                WriteObject(ContainerImageHistory.From(image, entry));
            }
        }
    }
}
