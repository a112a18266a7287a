using System.Collections.ObjectModel;
using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Images;

namespace ContainerTools.Cmdlets.Images;

/// <summary>
/// Loads images from a docker-archive (`docker save`), an oci-archive or an OCI layout directory (`docker load`),
/// or makes a one-layer image from a root filesystem tarball with -RootFs (`docker import`).
/// </summary>
[Cmdlet(VerbsData.Import, "ContainerImage", DefaultParameterSetName = FromArchive)]
[OutputType(typeof(ContainerImage))]
public sealed class ImportContainerImageCommand : ContainerToolsCmdlet
{
    private const string FromArchive = "Archive";
    private const string FromRootFs = "RootFs";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = FromArchive)]
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = FromRootFs)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Path is a tarball of a root filesystem, not an image archive.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FromRootFs)]
    public SwitchParameter RootFs { get; set; }

    /// <summary>The name of the image made from a root filesystem.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = FromRootFs)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    protected override void ProcessRecordLocally()
    {
        foreach (var path in ResolvePaths())
        {
            var progress = NewProgress($"Importing {path}");
            IReadOnlyList<Image>? imported = RootFs
                ? TryEngine(() => (IReadOnlyList<Image>)[Images.ImportRootFs(path, Name, progress, Cancellation)], path)
                : TryEngine(() => Images.Import(path, progress, Cancellation), path);
            progress.Complete();
            foreach (var image in imported ?? [])
            {
                foreach (var row in ContainerImage.Rows(image))
                {
                    WriteObject(row);
                }
            }
        }
    }

    private IEnumerable<string> ResolvePaths()
    {
        foreach (var path in Path)
        {
            Collection<string>? resolved = null;
            try
            {
                resolved = GetResolvedProviderPathFromPSPath(path, out _);
            }
            catch (Exception ex) when (ex is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
            {
                WriteError(new ErrorRecord(ex, "PathNotFound", ErrorCategory.ObjectNotFound, path));
            }
            foreach (var file in resolved ?? new Collection<string>())
            {
                yield return file;
            }
        }
    }
}
