using System.Management.Automation;
using ContainerTools.Cmdlets.Common;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>
/// After a reboot (podman-restart.service's job): repairs what the reboot left of every container and starts those
/// whose restart policy says so (always, and unless-stopped that no user stopped). Writes the containers it started.
/// module/systemd/containertools-restart.service runs it at boot.
/// </summary>
[Cmdlet(VerbsData.Restore, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ContainerTools.Container))]
public sealed class RestoreContainerCommand : ContainerToolsCmdlet
{
    protected override void ProcessRecordLocally()
    {
        if (!ShouldProcess(Root.Path, "Restore containers")) return;
        var restored = TryEngine(() => Containers.Restore(), Root.Path);
        if (restored is null) return;
        foreach (var result in restored)
        {
            if (result.Error is { } error)
            {
                WriteError(ErrorRecords.From(error, result.Container.Name));
                continue;
            }
            WriteVerbose($"Started {result.Container.Name}");
            WriteObject(ContainerTools.Container.From(result.Container));
        }
    }
}
