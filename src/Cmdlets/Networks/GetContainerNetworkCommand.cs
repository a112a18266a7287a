using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Network;

namespace ContainerTools.Cmdlets.Networks;

/// <summary>Lists the store's networks, like `docker network ls`.</summary>
[Cmdlet(VerbsCommon.Get, "ContainerNetwork")]
[OutputType(typeof(ContainerNetwork))]
public sealed class GetContainerNetworkCommand : ContainerToolsCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected override void ProcessRecordLocally()
    {
        var networks = TryEngine(() => Containers.Networks.List(), Root.Path);
        if (networks is null)
        {
            return;
        }
        if (Name is null || Name.Length == 0)
        {
            WriteObject(networks, enumerateCollection: true);
            return;
        }
        foreach (var text in Name.Where(n => !string.IsNullOrEmpty(n)))
        {
            var pattern = new WildcardPattern(text, WildcardOptions.None);
            var matches = networks.Where(n => pattern.IsMatch(n.Name)).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(text))
            {
                TryEngine(() => Containers.Networks.Get(text), text);
            }
            WriteObject(matches, enumerateCollection: true);
        }
    }
}
