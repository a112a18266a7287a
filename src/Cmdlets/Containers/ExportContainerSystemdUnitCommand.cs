using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Containers;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>
/// Writes a systemd unit that starts, stops and supervises one container (podman generate systemd): to the pipeline,
/// or with -Path to a file (container-NAME.service in that directory when it is one).
/// </summary>
[Cmdlet(VerbsData.Export, "ContainerSystemdUnit", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(string), typeof(System.IO.FileInfo))]
public sealed class ExportContainerSystemdUnitCommand : ContainerTargetCmdlet
{
    /// <summary>A file, or a directory to write container-NAME.service in.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    protected override void Act(EngineContainer container)
    {
        var pwsh = System.Environment.ProcessPath ?? "/usr/bin/pwsh";
        var module = MyInvocation.MyCommand.Module?.Path is { Length: > 0 } modulePath
            ? System.IO.Path.ChangeExtension(modulePath, ".psd1")
            : "ContainerTools";
        string Command(string verb) => $"{pwsh} -NoLogo -NoProfile -NonInteractive -Command \"Import-Module '{module}'; {verb} '{container.Id}'\"";
        var unit = ContainerSystemdUnit.Generate(container, Root.Path, Command("Start-Container"), Command("Stop-Container"));
        if (Path is null)
        {
            WriteObject(unit);
            return;
        }
        var target = GetUnresolvedProviderPathFromPSPath(Path);
        if (Directory.Exists(target)) target = System.IO.Path.Combine(target, $"container-{container.Name}.service");
        if (!ShouldProcess(target, $"Write the systemd unit of '{container.Name}'")) return;
        if (TryEngine(() => File.WriteAllText(target, unit), target)) WriteObject(new FileInfo(target));
    }
}
