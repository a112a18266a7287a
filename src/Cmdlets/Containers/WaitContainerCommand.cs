using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.OciRuntime.Errors;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>Waits for containers to exit and writes each one's exit code, like `docker wait`.</summary>
[Cmdlet(VerbsLifecycle.Wait, "Container")]
[OutputType(typeof(int))]
public sealed class WaitContainerCommand : ContainerTargetCmdlet
{
    /// <summary>Seconds to wait at most; a container still running then is a WaitTimeout error.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Timeout { get; set; } = -1;

    protected override void Act(EngineContainer container)
    {
        TimeSpan? timeout = Timeout < 0 ? null : TimeSpan.FromSeconds(Timeout);
        var waited = TryEngine(() => new Box(Containers.Wait(container.Id, timeout, Cancellation)), container.Name);
        if (waited is null)
        {
            return;
        }
        if (waited.Code is { } code)
        {
            WriteObject(code);
            return;
        }
        var timedOut = new ContainerToolsException(ErrorIds.WaitTimeout, $"The container '{container.Name}' was still running after {Timeout} seconds.", container.Name);
        WriteError(new ErrorRecord(timedOut, timedOut.ErrorId, ErrorCategory.OperationTimeout, container.Name));
    }

    // Tells a finished wait without an exit code apart from a failed one.
    private sealed record Box(int? Code);
}
