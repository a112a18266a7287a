using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ContainerTools.Cmdlets.Common.Fleet;

/// <summary>
/// The runs a cmdlet owes its hosts: queued per session as records arrive (consecutive runs that differ only in the
/// piped ids merged into one), then run at the end of the pipeline, hosts in parallel up to the throttle limit, one
/// run after another on each host (a session runs one pipeline at a time). What the hosts write streams back to the
/// cmdlet's own thread as it comes, except the objects that carry their session: those wait until their host is done,
/// so a downstream cmdlet they are piped to (say in ForEach-Object) finds that session free to run on.
/// </summary>
internal sealed class FleetDispatch
{
    private readonly List<(PSSession Session, List<RemoteCall> Calls)> hosts = [];

    public void Queue(IEnumerable<PSSession> sessions, RemoteCall call)
    {
        foreach (var session in sessions.Distinct())
        {
            var host = hosts.FindIndex(h => h.Session.InstanceId == session.InstanceId);
            if (host < 0)
            {
                hosts.Add((session, [call]));
                continue;
            }
            var calls = hosts[host].Calls;
            var merged = calls[^1].MergeWith(call);
            if (merged is null)
            {
                calls.Add(call);
            }
            else
            {
                calls[^1] = merged;
            }
        }
    }

    public bool IsEmpty => hosts.Count == 0;

    /// <summary>Runs every queued call; <paramref name="write"/> gets each host's output, errors and messages on this thread.</summary>
    public void Run(int throttleLimit, Action<FleetEvent> write, CancellationToken cancellation)
    {
        var events = new BlockingCollection<FleetEvent>();
        using var throttle = new SemaphoreSlim(throttleLimit);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var showHost = hosts.Select(h => h.Session.ComputerName).Distinct(StringComparer.OrdinalIgnoreCase).Count() > 1;
        // A thread of its own per host (LongRunning): each blocks in its session's pipeline for the whole run, and eight
        // of them on the thread pool of a 2-core machine would wait for its slow thread injection (and starve the
        // remoting client's own callbacks on the pool meanwhile).
        var workers = hosts.Select(h => Task.Factory.StartNew(() =>
        {
            try
            {
                throttle.Wait(stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                foreach (var call in h.Calls)
                {
                    if (stopping.IsCancellationRequested || !HostRun.Run(h.Session, call, showHost, events.Add, stopping.Token))
                    {
                        break;
                    }
                }
            }
            finally
            {
                throttle.Release();
                events.Add(new FleetEvent(FleetEventKind.HostFinished, h.Session, null));
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        Task.WhenAll(workers).ContinueWith(_ => events.CompleteAdding(), TaskScheduler.Default);
        try
        {
            var held = new Dictionary<Guid, List<FleetEvent>>();
            foreach (var item in events.GetConsumingEnumerable())
            {
                if (item.Kind == FleetEventKind.Output && RemoteCall.IsHostedObject(item.Payload))
                {
                    (held.TryGetValue(item.Session.InstanceId, out var list) ? list : held[item.Session.InstanceId] = []).Add(item);
                }
                else if (item.Kind == FleetEventKind.HostFinished)
                {
                    if (held.Remove(item.Session.InstanceId, out var done))
                    {
                        done.ForEach(write);
                    }
                }
                else
                {
                    write(item);
                }
            }
        }
        finally
        {
            // A stopped pipeline or -ErrorAction Stop: the hosts still running are stopped before the cmdlet returns.
            stopping.Cancel();
            Task.WaitAll(workers);
        }
    }
}

/// <summary>What a host wrote: an object, an error, a message, or the failure of the host itself.</summary>
internal sealed record FleetEvent(FleetEventKind Kind, PSSession Session, object? Payload);

internal enum FleetEventKind
{
    Output,
    Error,
    Warning,
    Verbose,
    Debug,
    Information,
    Progress,
    HostFailure,
    /// <summary>The host has run all its calls: its session is free.</summary>
    HostFinished,
}
