using System.Collections.Concurrent;
using ContainerTools.Api.Streams;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Api;

/// <summary>
/// The engine as the API's handlers use it: one store root, its image and container stores, and the state that lives
/// only as long as this server (exec sessions, attaches waiting for their container's start).
/// </summary>
internal sealed class ApiEngine
{
    public ApiEngine(StoreRoot root, Action<string> log)
    {
        Root = root;
        Images = new ImageStore(root);
        Containers = new ContainerStore(root, Images);
        Log = log;
    }

    public StoreRoot Root { get; }
    public ImageStore Images { get; }
    public ContainerStore Containers { get; }
    public Action<string> Log { get; }
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public ExecSessions Execs { get; } = new();
    public PendingAttaches Attaches { get; } = new();

    /// <summary>Exit codes of attached runs this server finished (an AutoRemove container's record is gone by the time its waiter asks).</summary>
    public ConcurrentDictionary<string, int> FinishedExitCodes { get; } = new(StringComparer.Ordinal);
}
