using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Maintenance;

namespace ContainerTools.Cmdlets.Maintenance;

/// <summary>
/// Empties the store like `podman system reset`: every container (running ones killed), image, network and volume,
/// and every host object the store made (bridges, iptables rules, mounts, monitors, cgroups). With -Orphaned it
/// instead removes the host objects of stores that no longer know them (a store directory deleted by hand), found by
/// the marks the engine puts on them; what belongs to a live store or to another program is never touched.
/// </summary>
[Cmdlet(VerbsCommon.Reset, "ContainerStore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = StoreSet)]
[OutputType(typeof(StoreContents), ParameterSetName = [StoreSet])]
[OutputType(typeof(StoreLeftovers), ParameterSetName = [OrphanedSet])]
public sealed class ResetContainerStoreCommand : ContainerToolsCmdlet
{
    private const string StoreSet = "Store";
    private const string OrphanedSet = "Orphaned";

    [Parameter(Mandatory = true, ParameterSetName = OrphanedSet)]
    public SwitchParameter Orphaned { get; set; }

    /// <summary>With -Orphaned: only the stores whose path matches one of these (wildcards allowed).</summary>
    [Parameter(ParameterSetName = OrphanedSet, Position = 0)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? StorePath { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessingLocally()
    {
        if (Orphaned)
        {
            var patterns = StorePath?.Select(p => WildcardPattern.Get(p, WildcardOptions.None)).ToList();
            var found = TryEngine(OrphanedHostObjects.Find, "orphaned host objects") ?? [];
            foreach (var leftovers in found.Where(l => patterns is null || patterns.Any(p => p.IsMatch(l.StorePath))))
            {
                foreach (var item in leftovers.Objects)
                {
                    WriteVerbose($"Left by store {leftovers.StorePath}: {item.Kind} {item.Name}");
                }
                if (Approve($"{leftovers.Objects.Count} host object(s) left by store {leftovers.StorePath}: {string.Join("; ", leftovers.Objects.Select(o => $"{o.Kind} {o.Name}"))}", "Remove orphaned host objects")
                    && TryEngine(leftovers.Remove, leftovers.StorePath) && PassThru)
                {
                    WriteObject(leftovers);
                }
            }
            return;
        }
        var contents = TryEngine(() => new StoreReset(Containers).Survey(), Root.Path);
        if (contents is null || !Approve(contents.ToString(), "Reset store (remove every container, image, network and volume)"))
        {
            return;
        }
        var removed = TryEngine(() => new StoreReset(Containers).Reset(), Root.Path);
        if (removed is null)
        {
            return;
        }
        foreach (var failure in removed.Failures)
        {
            WriteError(ErrorRecords.From(failure, failure.Target ?? Root.Path));
        }
        if (PassThru)
        {
            WriteObject(removed);
        }
    }

    /// <summary>ShouldProcess, except that -Force answers the confirmation (but not -WhatIf or an explicit -Confirm).</summary>
    private bool Approve(string target, string action)
    {
        var whatIf = MyInvocation.BoundParameters.ContainsKey("WhatIf") || LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
        if (Force && !whatIf && !MyInvocation.BoundParameters.ContainsKey("Confirm"))
        {
            WriteVerbose($"{action}: {target}");
            return true;
        }
        return ShouldProcess(target, action);
    }
}
