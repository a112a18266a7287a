using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Images;

namespace ContainerTools.Cmdlets.Images;

/// <summary>
/// Prunes the build cache (docker builder prune / image prune of a classic builder's intermediates): the intermediate
/// images no image needs any more, their layers, and the cache entries whose image is gone. -All empties the cache.
/// </summary>
[Cmdlet(VerbsCommon.Clear, "ContainerBuildCache", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BuildCachePruneResult))]
public sealed class ClearContainerBuildCacheCommand : ContainerToolsCmdlet
{
    /// <summary>Every cache entry, not only those of images nothing needs: the next build runs every step.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    protected override void EndProcessingLocally()
    {
        var what = All ? "every build-cache entry and the intermediate images no image needs" : "the intermediate images no image needs and their build-cache entries";
        if (!ShouldProcess(Root.Path, $"Remove {what}"))
        {
            return;
        }
        var result = TryEngine(() => Images.PruneBuildCache(All.IsPresent), Root.Path);
        if (result is null)
        {
            return;
        }
        foreach (var id in result.RemovedImages)
        {
            WriteVerbose($"Removed intermediate image {id}");
        }
        WriteObject(result);
    }
}
