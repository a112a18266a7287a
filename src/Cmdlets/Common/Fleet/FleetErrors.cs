using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ContainerTools.Cmdlets.Common.Fleet;

/// <summary>Errors of a fleet run name their host: in the message, and (for a host that failed) as the target.</summary>
internal static class FleetErrors
{
    public static ErrorRecord FromHost(ErrorRecord remote, string computerName)
    {
        var message = remote.ErrorDetails?.Message ?? remote.Exception?.Message ?? remote.ToString();
        if (!message.StartsWith(computerName + ":", StringComparison.Ordinal))
        {
            remote.ErrorDetails = new ErrorDetails($"{computerName}: {message}");
        }
        return remote;
    }

    public static ErrorRecord HostFailed(FleetHostException failure, PSSession session) =>
        new(failure, "FleetHostFailed", ErrorCategory.ResourceUnavailable, session.ComputerName);
}
