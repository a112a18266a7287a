using System.Collections.Concurrent;
using ContainerTools.Runtime.Containers.Attach;
using ContainerTools.Runtime.Terminals;

namespace ContainerTools.Api.Streams;

/// <summary>
/// An attach that came before its container's start (docker run and start -a attach first, then start): it waits
/// here for the start, which hands it the attached run so that none of the output is missed.
/// </summary>
internal sealed class PendingAttach(bool stdin, bool stdout, bool stderr)
{
    private readonly TaskCompletionSource<AttachedRun?> _run = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Stdin { get; } = stdin;
    public bool Stdout { get; } = stdout;
    public bool Stderr { get; } = stderr;
    public string? DetachKeys { get; init; }

    public void Hand(AttachedRun? run) => _run.TrySetResult(run);

    /// <summary>The run once the container started; null when <paramref name="timeout"/> passed first.</summary>
    public AttachedRun? WaitForStart(TimeSpan timeout, out bool started)
    {
        started = _run.Task.Wait(timeout);
        return started ? _run.Task.Result : null;
    }
}

/// <summary>Attaches waiting for a start, and the terminals of running attaches (for POST /containers/{id}/resize).</summary>
internal sealed class PendingAttaches
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<PendingAttach>> _waiting = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, InteractiveConnection> _active = new(StringComparer.Ordinal);

    public void Add(string containerId, PendingAttach attach) => _waiting.GetOrAdd(containerId, _ => new()).Enqueue(attach);

    /// <summary>The first attach waiting for <paramref name="containerId"/> to start (the engine attaches one client per start).</summary>
    public PendingAttach? Take(string containerId)
    {
        if (!_waiting.TryGetValue(containerId, out var queue)) return null;
        var taken = queue.TryDequeue(out var attach) ? attach : null;
        if (queue.IsEmpty) _waiting.TryRemove(containerId, out _);
        return taken;
    }

    public void Withdraw(string containerId, PendingAttach attach)
    {
        if (!_waiting.TryGetValue(containerId, out var queue)) return;
        var rest = queue.Where(a => !ReferenceEquals(a, attach)).ToList();
        if (rest.Count == 0) _waiting.TryRemove(containerId, out _);
        else _waiting[containerId] = new ConcurrentQueue<PendingAttach>(rest);
    }

    public void SetActive(string containerId, InteractiveConnection connection) => _active[containerId] = connection;
    public void ClearActive(string containerId, InteractiveConnection connection) => _active.TryRemove(new KeyValuePair<string, InteractiveConnection>(containerId, connection));
    public InteractiveConnection? Active(string containerId) => _active.GetValueOrDefault(containerId);
}
