using System.Management.Automation;

namespace ContainerTools.Cmdlets.Common;

/// <summary>
/// The plumbing of Remove-ContainerNetwork and Remove-ContainerVolume: names by value or by property name, -Force for
/// an object still in use, one ShouldProcess per name, and the engine's refusal as a non-terminating error.
/// </summary>
public abstract class NamedRemovalCmdlet : ContainerToolsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The ShouldProcess action, e.g. "Remove network".</summary>
    protected abstract string Action { get; }

    protected abstract void Remove(string name, bool force);

    protected override void ProcessRecordLocally()
    {
        foreach (var name in Name)
        {
            if (ShouldProcess(name, Action))
            {
                TryEngine(() => Remove(name, Force.IsPresent), name);
            }
        }
    }
}
