using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>
/// Starts created or exited containers, like `docker start`. With -Attach it writes the container's stdout to the
/// pipeline and its stderr as ContainerStderr errors until the container exits, then sets $LASTEXITCODE.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "Container")]
[OutputType(typeof(ContainerTools.Container), typeof(string))]
public sealed class StartContainerCommand : ContainerTargetCmdlet
{
    [Parameter]
    public SwitchParameter Attach { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Act(EngineContainer container)
    {
        var started = TryEngine(() => Containers.Start(container.Id), container.Name);
        if (started is null)
        {
            return;
        }
        WriteVerbose($"Started {Describe(started)}");
        if (Attach)
        {
            WriteContainerOutput(Containers.Attach(started.Id, Cancellation), started.Name);
            var code = TryEngine(() => Containers.Wait(started.Id, cancellationToken: Cancellation), started.Name);
            if (code is not null)
            {
                SessionState.PSVariable.Set("global:LASTEXITCODE", code.Value);
            }
        }
        if (PassThru)
        {
            var current = TryEngine(() => Containers.Resolve(started.Id), started.Name);
            if (current is not null)
            {
                WriteObject(ContainerTools.Container.From(current));
            }
        }
    }
}
