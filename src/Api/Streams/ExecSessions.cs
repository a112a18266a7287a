using System.Collections.Concurrent;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.Exec;

namespace ContainerTools.Api.Streams;

/// <summary>One exec instance (POST /containers/{id}/exec): what to run, then its process and exit code.</summary>
internal sealed class ExecSession
{
    public required string Id { get; init; }
    public required string ContainerId { get; init; }
    public required ExecOptions Options { get; init; }
    public bool AttachStdin { get; init; }
    public bool AttachStdout { get; init; }
    public bool AttachStderr { get; init; }
    public bool Privileged { get; init; }
    public string? DetachKeys { get; set; }
    public DateTimeOffset Created { get; } = DateTimeOffset.UtcNow;
    public bool Started { get; set; }
    public volatile bool Running;
    public int? ExitCode { get; set; }
    public int Pid { get; set; }
    /// <summary>While it runs with a terminal: the pty master, for resize.</summary>
    public ExecProcess? Process { get; set; }
}

/// <summary>The exec instances of this server, by id; finished ones are dropped after a while, as dockerd does.</summary>
internal sealed class ExecSessions
{
    private static readonly TimeSpan KeepFinished = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, ExecSession> _sessions = new(StringComparer.Ordinal);

    public ExecSession Add(string containerId, ExecOptions options, bool stdin, bool stdout, bool stderr, bool privileged)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var old in _sessions.Values.Where(s => s.Started && !s.Running && now - s.Created > KeepFinished).ToList())
            _sessions.TryRemove(old.Id, out _);
        var session = new ExecSession
        {
            Id = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).ToLowerInvariant(),
            ContainerId = containerId,
            Options = options,
            AttachStdin = stdin,
            AttachStdout = stdout,
            AttachStderr = stderr,
            Privileged = privileged,
        };
        _sessions[session.Id] = session;
        return session;
    }

    public ExecSession? Find(string id) => _sessions.GetValueOrDefault(id);

    public IEnumerable<ExecSession> Of(string containerId) => _sessions.Values.Where(s => s.ContainerId == containerId);
}
