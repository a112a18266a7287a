using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Images;

namespace ContainerTools.Cmdlets.Images;

/// <summary>Lists the images in the store, one object per repository:tag like `docker images`.</summary>
[Cmdlet(VerbsCommon.Get, "ContainerImage", DefaultParameterSetName = ByName)]
[OutputType(typeof(ContainerImage))]
public sealed class GetContainerImageCommand : ContainerToolsCmdlet
{
    private const string ByName = "Name";
    private const string ById = "Id";

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByName)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ImageNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ById)]
    public string[]? Id { get; set; }

    protected override void ProcessRecordLocally()
    {
        if (ParameterSetName == ById)
        {
            foreach (var id in Id ?? [])
            {
                var image = TryEngine(() => ResolveImage(id), id);
                if (image is not null)
                {
                    WriteRows(ContainerImage.Rows(image));
                }
            }
            return;
        }

        var images = TryEngine(() => Images.List(), Root.Path);
        if (images is null)
        {
            return;
        }
        if (Name is null || Name.Length == 0)
        {
            WriteRows(images.SelectMany(ContainerImage.Rows));
            return;
        }
        foreach (var text in Name.Where(n => !string.IsNullOrEmpty(n)))
        {
            var matcher = new ImageNameMatcher(text);
            var rows = images.SelectMany(i => i.Names.Where(matcher.Matches).Select(n => ContainerImage.Row(i, n))).ToList();
            if (rows.Count == 0 && !matcher.HasWildcards)
            {
                // Not a name in the store: an id, a short id or a digest; the engine reports unknown or malformed input.
                var image = TryEngine(() => ResolveImage(text), text);
                if (image is not null)
                {
                    rows.AddRange(ContainerImage.Rows(image));
                }
            }
            WriteRows(rows);
        }
    }

    // Newest first, as docker images lists them.
    private void WriteRows(IEnumerable<ContainerImage> rows)
    {
        foreach (var row in rows.OrderByDescending(r => r.Created ?? DateTime.MinValue).ThenBy(r => r.Reference, StringComparer.Ordinal))
        {
            WriteObject(row);
        }
    }
}
