using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>Stops (as Stop-Container does) and starts containers again, like `docker restart`; created or exited ones just start.</summary>
[Cmdlet(VerbsLifecycle.Restart, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ContainerTools.Container))]
public sealed class RestartContainerCommand : ContainerTargetCmdlet
{
    /// <summary>Seconds to wait after the stop signal before killing.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    [Alias("Time")]
    public int Timeout { get; set; } = (int)Runtime.Containers.ContainerStore.DefaultStopTimeout.TotalSeconds;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Act(EngineContainer container)
    {
        if (!ShouldProcess(Describe(container), "Restart container"))
        {
            return;
        }
        var restarted = TryEngine(() => Containers.Restart(container.Id, TimeSpan.FromSeconds(Timeout)), container.Name);
        if (restarted is not null)
        {
            WriteVerbose($"Restarted {Describe(restarted)}");
            if (PassThru)
            {
                WriteObject(ContainerTools.Container.From(restarted));
            }
        }
    }
}
