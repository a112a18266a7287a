using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>
/// Writes a container's whole filesystem as a tar archive, like `docker export`; `Import-ContainerImage -RootFs` makes
/// an image of it again. The file appears complete or not at all (temp file, then rename).
/// </summary>
[Cmdlet(VerbsData.Export, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class ExportContainerCommand : ContainerTargetCmdlet
{
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Writes the archive's FileInfo.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Act(EngineContainer container)
    {
        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(path, $"Export the filesystem of container {Describe(container)}"))
        {
            return;
        }
        if (TryEngine(() => Containers.Export(container.Id, path, Cancellation), path) && PassThru)
        {
            WriteObject(new FileInfo(path));
        }
    }
}
