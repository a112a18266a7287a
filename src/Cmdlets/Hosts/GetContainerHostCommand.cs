using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Hosts;

namespace ContainerTools.Cmdlets.Hosts;

/// <summary>
/// Describes the host, like `docker info`: ContainerTools' version, the store, kernel, cgroup version and counts. With
/// -Session, every host of the fleet; a host whose ContainerTools differs from this session's is reported as a warning.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ContainerHost")]
[OutputType(typeof(ContainerHost))]
public sealed class GetContainerHostCommand : ContainerToolsCmdlet
{
    protected override void ProcessRecordLocally()
    {
        var summary = TryEngine(() => HostSummary.Of(Containers), Root.Path);
        if (summary is not null)
        {
            WriteObject(ContainerHost.From(summary, ModuleVersion, Host.Version.ToString()));
        }
    }

    protected override object? FromHost(PSObject written, string computerName)
    {
        if (written.BaseObject is ContainerHost remote && remote.Version != ModuleVersion)
        {
            WriteWarning($"{computerName} runs ContainerTools {remote.Version}; this session runs {ModuleVersion} (Install-ContainerTools -Session updates it).");
        }
        return written;
    }

    private string ModuleVersion => MyInvocation.MyCommand.Module?.Version.ToString() ?? typeof(ContainerHost).Assembly.GetName().Version?.ToString(3) ?? "";
}
