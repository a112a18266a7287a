using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;

namespace ContainerTools.Cmdlets.Common.Fleet;

/// <summary>One cmdlet run on one host's session (module-qualified, so a host without the module says so).</summary>
internal static class HostRun
{
    /// <summary>False when the host failed (down, broken, no module): its remaining calls are skipped.</summary>
    public static bool Run(PSSession session, RemoteCall call, bool showHost, Action<FleetEvent> emit, CancellationToken cancellation)
    {
        if (session.Runspace.RunspaceStateInfo.State != RunspaceState.Opened)
        {
            emit(new FleetEvent(FleetEventKind.HostFailure, session,
                new FleetHostException(session.ComputerName, $"the session is {session.Runspace.RunspaceStateInfo.State}", session.Runspace.RunspaceStateInfo.Reason)));
            return false;
        }
        using var shell = PowerShell.Create();
        shell.Runspace = session.Runspace;
        shell.AddCommand("ContainerTools\\" + call.Command);
        foreach (var (name, value) in call.Parameters)
        {
            shell.AddParameter(name, value);
        }
        using var output = new PSDataCollection<PSObject>();
        output.DataAdded += (_, e) => emit(new FleetEvent(FleetEventKind.Output, session, HostedObjects.Rehydrate(output[e.Index], session, showHost)));
        var moduleMissing = false;
        shell.Streams.Error.DataAdded += (_, e) =>
        {
            var record = shell.Streams.Error[e.Index];
            if (IsModuleMissing(record))
            {
                moduleMissing = true; // said once the pipeline is over: asking the host why needs its session
            }
            else
            {
                emit(new FleetEvent(FleetEventKind.Error, session, record));
            }
        };
        shell.Streams.Warning.DataAdded += (_, e) => emit(new FleetEvent(FleetEventKind.Warning, session, shell.Streams.Warning[e.Index].Message));
        shell.Streams.Verbose.DataAdded += (_, e) => emit(new FleetEvent(FleetEventKind.Verbose, session, shell.Streams.Verbose[e.Index].Message));
        shell.Streams.Debug.DataAdded += (_, e) => emit(new FleetEvent(FleetEventKind.Debug, session, shell.Streams.Debug[e.Index].Message));
        shell.Streams.Progress.DataAdded += (_, e) => emit(new FleetEvent(FleetEventKind.Progress, session, shell.Streams.Progress[e.Index]));
        shell.Streams.Information.DataAdded += (_, e) => emit(new FleetEvent(FleetEventKind.Information, session, shell.Streams.Information[e.Index]));
        using var stop = cancellation.Register(() => shell.BeginStop(null, null));
        try
        {
            shell.Invoke(null, output, new PSInvocationSettings { Host = StreamsOnlyHost.Instance });
            if (moduleMissing)
            {
                emit(new FleetEvent(FleetEventKind.HostFailure, session, new FleetHostException(session.ComputerName, ModuleMissing(session), null)));
                return false;
            }
            return true;
        }
        catch (Exception ex) when (ex is RuntimeException or PSRemotingTransportException or InvalidRunspaceStateException or PSInvalidOperationException)
        {
            if (cancellation.IsCancellationRequested)
            {
                return false;
            }
            var record = (ex as IContainsErrorRecord)?.ErrorRecord;
            if (record is not null && !IsHostFailure(ex, record))
            {
                // A terminating error of the cmdlet itself (-ErrorAction Stop there, a parameter the host's version lacks...).
                emit(new FleetEvent(FleetEventKind.Error, session, record));
                return true;
            }
            emit(new FleetEvent(FleetEventKind.HostFailure, session, new FleetHostException(session.ComputerName, moduleMissing || (record is not null && IsModuleMissing(record)) ? ModuleMissing(session) : ex.Message, ex)));
            return false;
        }
    }

    // ContainerTools\<cmdlet> that does not resolve says only "could not be loaded", installed or not: the host is asked
    // which (the failing path only).
    private static string ModuleMissing(PSSession session)
    {
        try
        {
            using var shell = PowerShell.Create();
            shell.Runspace = session.Runspace;
            shell.AddScript("if (-not (Get-Module -ListAvailable ContainerTools)) { return '' }; try { Import-Module ContainerTools -ErrorAction Stop; 'imports' } catch { \"$_\" }");
            var answer = shell.Invoke(null, new PSInvocationSettings { Host = StreamsOnlyHost.Instance }).FirstOrDefault()?.ToString();
            return string.IsNullOrEmpty(answer) ? "ContainerTools is not installed there (Install-ContainerTools -Session)"
                : $"ContainerTools is there but does not import: {answer}";
        }
        catch (Exception ex) when (ex is RuntimeException or PSRemotingTransportException or InvalidRunspaceStateException or PSInvalidOperationException)
        {
            return $"ContainerTools does not run there: {ex.Message}";
        }
    }

    private static bool IsModuleMissing(ErrorRecord record) =>
        (record.FullyQualifiedErrorId.StartsWith("CommandNotFoundException", StringComparison.Ordinal)
         || record.FullyQualifiedErrorId.StartsWith("CouldNotAutoLoadModule", StringComparison.OrdinalIgnoreCase))
        && record.TargetObject is string name && name.StartsWith("ContainerTools\\", StringComparison.Ordinal);

    private static bool IsHostFailure(Exception ex, ErrorRecord record) =>
        ex is PSRemotingTransportException or InvalidRunspaceStateException or PSInvalidOperationException
        || IsModuleMissing(record);
}

/// <summary>A host of the fleet that could not run the command: down, unreachable, a broken session, or no ContainerTools.</summary>
public sealed class FleetHostException : Exception
{
    public FleetHostException(string computerName, string reason, Exception? inner)
        : base($"{computerName}: {reason}", inner)
    {
        ComputerName = computerName;
    }

    public string ComputerName { get; }
}
