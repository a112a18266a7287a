using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ContainerTools.Cmdlets.Common.Fleet;

/// <summary>
/// A host's progress shown here: the activity named with the host, and its ids moved into a range of the session's own,
/// so two hosts pulling at once show two bars rather than one flickering between them.
/// </summary>
internal static class FleetProgress
{
    private const int IdsPerSession = 1000;

    public static ProgressRecord FromHost(ProgressRecord remote, PSSession session)
    {
        var offset = session.Id * IdsPerSession;
        // ProgressRecord refuses an empty status; a host's record may arrive with none.
        var status = string.IsNullOrEmpty(remote.StatusDescription) ? "..." : remote.StatusDescription;
        return new ProgressRecord(offset + remote.ActivityId, $"{session.ComputerName}: {remote.Activity}", status)
        {
            ParentActivityId = remote.ParentActivityId < 0 ? -1 : offset + remote.ParentActivityId,
            PercentComplete = remote.PercentComplete,
            SecondsRemaining = remote.SecondsRemaining,
            CurrentOperation = remote.CurrentOperation,
            RecordType = remote.RecordType,
        };
    }
}
