using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>
/// Copies files and directories out of a container (default) or into it (-ToContainer), like `docker cp -a`: modes,
/// numeric owners, times, xattrs and symlinks are kept, and container paths resolve inside the container's root, so a
/// symlink in the container can never lead the copy onto the host. Works on running and stopped containers.
/// </summary>
[Cmdlet(VerbsCommon.Copy, "ContainerFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ContainerTools.Container))]
public sealed class CopyContainerFileCommand : ContainerTargetCmdlet
{
    /// <summary>The source: a container path, or with -ToContainer a host path.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The destination: a host path, or with -ToContainer a container path.</summary>
    [Parameter(Mandatory = true, Position = 2)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = "";

    [Parameter]
    public SwitchParameter ToContainer { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Act(EngineContainer container)
    {
        bool copied;
        if (ToContainer)
        {
            var source = HostPath(Path);
            if (!ShouldProcess(Describe(container), $"Copy '{source}' to '{Destination}' in the container"))
            {
                return;
            }
            copied = TryEngine(() => Containers.CopyToContainer(container.Id, source, Destination, cancellationToken: Cancellation), Path);
        }
        else
        {
            var destination = HostPath(Destination);
            if (!ShouldProcess(destination, $"Copy '{Path}' out of container {Describe(container)}"))
            {
                return;
            }
            copied = TryEngine(() => Containers.CopyFromContainer(container.Id, Path, destination, cancellationToken: Cancellation), Path);
        }
        if (copied && PassThru)
        {
            var current = TryEngine(() => Containers.Resolve(container.Id), container.Name);
            if (current is not null)
            {
                WriteObject(ContainerTools.Container.From(current));
            }
        }
    }

    // Relative to PowerShell's location; a trailing "/" or "/." means something to docker cp, so it is kept.
    private string HostPath(string path)
    {
        var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        if (path.EndsWith("/.", StringComparison.Ordinal) && !full.EndsWith("/.", StringComparison.Ordinal))
        {
            full = full.TrimEnd('/') + "/.";
        }
        else if (path.EndsWith('/') && !full.EndsWith('/'))
        {
            full += "/";
        }
        return full;
    }
}
