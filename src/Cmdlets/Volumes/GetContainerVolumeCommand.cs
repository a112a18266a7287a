using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Volumes;

namespace ContainerTools.Cmdlets.Volumes;

/// <summary>Lists the store's volumes, like `docker volume ls`.</summary>
[Cmdlet(VerbsCommon.Get, "ContainerVolume")]
[OutputType(typeof(Volume))]
public sealed class GetContainerVolumeCommand : ContainerToolsCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected override void ProcessRecordLocally()
    {
        var volumes = TryEngine(() => Containers.Volumes.List(), Root.Path);
        if (volumes is null)
        {
            return;
        }
        if (Name is null || Name.Length == 0)
        {
            WriteObject(volumes, enumerateCollection: true);
            return;
        }
        foreach (var text in Name.Where(n => !string.IsNullOrEmpty(n)))
        {
            var pattern = new WildcardPattern(text, WildcardOptions.None);
            var matches = volumes.Where(v => pattern.IsMatch(v.Name)).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(text))
            {
                TryEngine(() => Containers.Volumes.Get(text), text);
            }
            WriteObject(matches, enumerateCollection: true);
        }
    }
}
