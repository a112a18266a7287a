using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Build;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>
/// docker commit: makes an image of a container's changes over its image, with its settings and the -Change lines
/// (Dockerfile CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR, STOPSIGNAL, HEALTHCHECK, ONBUILD) applied.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "ContainerImage")]
[OutputType(typeof(ContainerImage))]
public sealed class ConvertToContainerImageCommand : ContainerToolsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    // Only Id: -Name is the new image's name, as in the docker commit CONTAINER NAME.
    [Alias(ContainerParameter.IdAlias)]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Container { get; set; } = "";

    /// <summary>The new image's name (repository[:tag]).</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] Change { get; set; } = [];

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Message { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Author { get; set; }

    /// <summary>Freeze a running container while its changes are read.</summary>
    [Parameter]
    public SwitchParameter Pause { get; set; }

    protected override void ProcessRecordLocally()
    {
        var image = TryEngine(() => new ContainerCommit(Containers).Commit(new CommitOptions
        {
            Container = Container,
            Name = Name,
            Changes = Change,
            Message = Message,
            Author = Author,
            Pause = Pause,
        }, Cancellation), Container);
        foreach (var row in image is null ? [] : ContainerImage.Rows(image))
        {
            WriteObject(row);
        }
    }
}
