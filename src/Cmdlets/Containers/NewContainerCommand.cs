using System.Management.Automation;
using ContainerTools.Cmdlets.Common;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>Creates a container from an image without starting it, like `docker create`.</summary>
[Cmdlet(VerbsCommon.New, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ContainerTools.Container))]
public sealed class NewContainerCommand : ContainerCreateCmdlet
{
    protected override void ProcessRecordLocally()
    {
        if (!ShouldProcess(Image, "Create container" + (Name is null ? "" : $" '{Name}'")))
        {
            return;
        }
        var created = TryEngine(() => Containers.Create(CreateOptions()), Name ?? Image);
        if (created is not null)
        {
            WriteObject(ContainerTools.Container.From(created));
        }
    }
}
