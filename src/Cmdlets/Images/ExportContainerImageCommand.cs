using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Images;

namespace ContainerTools.Cmdlets.Images;

/// <summary>
/// Writes images into one archive (`docker save`): every image given, from parameters or the pipeline, goes into the
/// same file. Nothing is written when any of them is unknown.
/// </summary>
[Cmdlet(VerbsData.Export, "ContainerImage")]
[OutputType(typeof(FileInfo))]
public sealed class ExportContainerImageCommand : ContainerToolsCmdlet
{
    private readonly List<string> images = [];
    private bool anyUnknown;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias(ImageParameter.ReferenceAlias, ImageParameter.NameAlias, ImageParameter.IdAlias)]
    [ArgumentCompleter(typeof(ImageNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Image { get; set; } = [];

    /// <summary>The archive to write (replaced if it exists).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter]
    public ArchiveFormat Format { get; set; } = ArchiveFormat.DockerArchive;

    protected override void ProcessRecordLocally()
    {
        foreach (var nameOrId in Image)
        {
            if (TryEngine(() => ResolveImage(nameOrId), nameOrId) is null)
            {
                anyUnknown = true;
            }
            else if (!images.Contains(nameOrId))
            {
                images.Add(nameOrId);
            }
        }
    }

    protected override void EndProcessingLocally()
    {
        if (anyUnknown || images.Count == 0)
        {
            return;
        }
        var target = GetUnresolvedProviderPathFromPSPath(Path);
        var progress = NewProgress($"Exporting to {target}");
        var written = TryEngine(() => Images.Export(images, target, Format, progress), target);
        progress.Complete();
        if (written)
        {
            WriteObject(new FileInfo(target));
        }
    }
}
