using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Events;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Network;
using ContainerTools.Runtime.Volumes;
using ContainerTools.Runtime.Storage;
using ContainerTools.OciRuntime.State;
using ContainerTools.OciRuntime.Files;

namespace ContainerTools.Runtime.Containers;

/// <summary>Where the engine finds its helpers and puts cgroups; the defaults suit a normal install.</summary>
public sealed record ContainerStoreOptions
{
    public CgroupHost? CgroupHost { get; init; }
    /// <summary>Parent cgroup path from the hierarchy root; null: the caller's own cgroup + "/containertools".</summary>
    public string? CgroupParent { get; init; }
    /// <summary>ctmon; null: CONTAINERTOOLS_MONITOR, then next to the engine's assembly.</summary>
    public string? MonitorPath { get; init; }
    /// <summary>ctinit; null: the launcher's own lookup.</summary>
    public string? InitPath { get; init; }
    /// <summary>ctcleanup, which the monitor runs after an exit; null: CONTAINERTOOLS_CLEANUP, then next to the engine's assembly.</summary>
    public string? CleanupPath { get; init; }
    /// <summary>The network of a container that names none; null: $CONTAINERTOOLS_DEFAULT_NETWORK, else "bridge" (Docker's).</summary>
    public string? DefaultNetwork { get; init; }
    /// <summary>Where the CNI plugins are; null: Debian's and upstream's directories (CniPluginRunner.DefaultPluginDirectories).</summary>
    public IReadOnlyList<string>? CniPluginDirectories { get; init; }
}

/// <summary>
/// The containers of one store root, and every lifecycle operation on them (the operations live in the
/// Container*.cs files next to this one). Safe across processes: the name index is guarded by
/// locks/containers.lock, each container's state by locks/container-ID.lock.
/// </summary>
public sealed partial class ContainerStore
{
    public ContainerStore(StoreRoot root, ImageStore? images = null, ContainerStoreOptions? options = null)
    {
        Root = root;
        Images = images ?? new ImageStore(root);
        Options = options ?? new ContainerStoreOptions();
    }

    public StoreRoot Root { get; }
    public ImageStore Images { get; }
    public ContainerStoreOptions Options { get; }

    /// <summary>The store's event log (events/events.jsonl), appended by each operation and by the monitors.</summary>
    public ContainerEvents Events => ContainerEvents.ForStore(Root.Path);
    public NetworkStore Networks => _networks ??= new NetworkStore(Root,
        Options.CniPluginDirectories is { } plugins ? new Network.Cni.CniInvoker(new Network.Cni.CniPluginRunner(plugins)) : null);
    public VolumeStore Volumes => _volumes ??= new VolumeStore(Root);
    // A store lives as long as its front end's call (a cmdlet) or the whole server (ctapi, whose docker ps lists every
    // container); the files it parsed serve the whole process: a session's next call on a container (an exec in a warm
    // session) then stats container.json and state.json instead of parsing them again. Every read checks the file's
    // version, whoever wrote it.
    private static readonly StateFileCache<ContainerDefinition> SharedDefinitions = new(ContainerStateJson.Default.ContainerDefinition);
    private static readonly StateFileCache<ContainerRuntimeState> SharedStates = new(ContainerStateJson.Default.ContainerRuntimeState);
    private readonly StateFileCache<ContainerDefinition> _definitions = SharedDefinitions;
    private readonly StateFileCache<ContainerRuntimeState> _states = SharedStates;
    private NetworkStore? _networks;
    private VolumeStore? _volumes;

    private string NamesLockPath => Path.Combine(Root.LocksDirectory, "containers.lock");

    private string ContainerLockPath(string id) => Path.Combine(Root.LocksDirectory, $"container-{id}.lock");

    public ContainerPaths PathsOf(string id) => new(Path.Combine(Root.ContainersDirectory, id));

    /// <summary>
    /// Makes the container's directory with its container.json (a Created container: it has no state.json until it
    /// starts), the name checked and reserved under the names lock. A null name picks a free random one.
    /// </summary>
    internal Container Register(Func<string, string, ContainerDefinition> define, string? requestedName)
    {
        Root.EnsureCreated();
        var name = requestedName is null ? null : ContainerNames.Validate(requestedName);
        using var namesLock = FileLock.Acquire(NamesLockPath);
        var taken = ReadAllDefinitions().Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        if (name is not null && taken.Contains(name))
        {
            throw new ContainerToolsException(ErrorIds.ContainerNameInUse, $"The container name '{name}' is already in use.", name);
        }
        while (name is null || taken.Contains(name)) name = ContainerNames.RandomName();
        var id = ContainerNames.NewId();
        var paths = PathsOf(id);
        var definition = define(id, name);
        Directory.CreateDirectory(paths.Directory);
        // No state.json yet: a missing one reads as a Created container (ReadRecorded), as an empty one does after a
        // power cut, and the start writes the first. container.json is kept as written in the cache: the start that
        // follows reads it with one stat.
        var state = new ContainerRuntimeState();
        // container.json last: a directory without it is an unfinished create that List ignores. Durable: it is the
        // user's container, which a power cut must not lose, unless it is removed when its run ends (a power cut ends
        // that run too).
        _definitions.Write(paths.DefinitionFile, definition, durable: !definition.AutoRemove);
        return new Container(definition, state, paths);
    }

    private IEnumerable<ContainerDefinition> ReadAllDefinitions()
    {
        if (!Directory.Exists(Root.ContainersDirectory)) yield break;
        foreach (var dir in Directory.EnumerateDirectories(Root.ContainersDirectory))
        {
            var definition = _definitions.Read(new ContainerPaths(dir).DefinitionFile);
            if (definition is not null) yield return definition;
        }
    }

    /// <summary>
    /// Every container as it is now (an exit its state.json does not record yet is merged in, see
    /// <see cref="ContainerTransitions.Observe"/>). A read: no lock, no file written, nothing cleaned up or removed.
    /// </summary>
    public IReadOnlyList<Container> List()
    {
        if (!Directory.Exists(Root.ContainersDirectory)) return [];
        var directories = Directory.EnumerateDirectories(Root.ContainersDirectory).ToHashSet(StringComparer.Ordinal);
        var containers = directories
            .Select(dir => ReadRecorded(new ContainerPaths(dir)))
            .OfType<Container>()
            .Select(ContainerTransitions.Observe)
            .OrderByDescending(c => c.Definition.CreatedAt)
            .ToList();
        // Containers removed since the last list: their cached files go too (another store's stay).
        _definitions.Retain(path => Listed(path, directories));
        _states.Retain(path => Listed(path, directories));
        return containers;
    }

    /// <summary>Whether a cached file belongs to one of <paramref name="directories"/>, or to another store.</summary>
    private bool Listed(string path, HashSet<string> directories)
    {
        var directory = Path.GetDirectoryName(path)!;
        return directories.Contains(directory) || Path.GetDirectoryName(directory) != Root.ContainersDirectory;
    }

    /// <summary>A container by full id, name, or unique id prefix; null when none matches.</summary>
    public Container? TryResolve(string idOrName)
    {
        if (string.IsNullOrWhiteSpace(idOrName)) return null;
        // A full id names its directory: no need to read every container's definition (cmdlets pass full ids).
        if (ContainerNames.IsFullId(idOrName) && TryGet(idOrName) is { } byId) return byId;
        var definitions = ReadAllDefinitions().ToList();
        var match = definitions.FirstOrDefault(d => d.Id == idOrName)
            ?? definitions.FirstOrDefault(d => d.Name == (idOrName.StartsWith('/') ? idOrName.Substring(1) : idOrName));
        if (match is null)
        {
            var prefix = idOrName.ToLowerInvariant();
            var candidates = definitions.Where(d => d.Id.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            if (candidates.Count > 1)
            {
                throw new ContainerToolsException(ErrorIds.AmbiguousContainerId, $"The id prefix '{idOrName}' matches {candidates.Count} containers; give more digits.", idOrName);
            }
            match = candidates.SingleOrDefault();
        }
        return match is null ? null : TryGet(match.Id);
    }

    public Container Resolve(string idOrName) => TryResolve(idOrName)
        ?? throw new ContainerToolsException(ErrorIds.ContainerNotFound, $"No container named or with id '{idOrName}'.", idOrName);

    /// <summary>
    /// The id a write operation opens: a full id of an existing container as is (one stat; cmdlets pass full ids, and
    /// the operation reads the container once, under its lock), anything else through <see cref="Resolve"/>.
    /// </summary>
    internal string IdOf(string idOrName) =>
        ContainerNames.IsFullId(idOrName) && File.Exists(PathsOf(idOrName).DefinitionFile) ? idOrName : Resolve(idOrName).Id;

    /// <summary>
    /// One container by full id as it is now; null if it does not exist (or is being removed). A read: no lock (every
    /// file is replaced atomically), no file written.
    /// </summary>
    public Container? TryGet(string id)
    {
        var recorded = ReadRecorded(PathsOf(id));
        return recorded is null ? null : ContainerTransitions.Observe(recorded);
    }

    /// <summary>
    /// Takes the container's lock for one write operation and settles an exit its state.json does not record yet
    /// (<see cref="Settle"/>); the operation then works on <see cref="ContainerHandle.Container"/> and saves once.
    /// </summary>
    /// <remarks>
    /// <paramref name="removes"/>: whether the operation will delete the container once it no longer runs; its exit is
    /// then settled without writing state.json (the network is still released first).
    /// </remarks>
    internal ContainerHandle Open(string id, Func<Container, bool>? removes = null, Action? beforeWaiting = null) => TryOpen(id, removes, beforeWaiting)
        ?? throw new ContainerToolsException(ErrorIds.ContainerNotFound, $"The container '{id}' no longer exists.", id);

    /// <param name="beforeWaiting">Run when another operation holds the lock, before waiting for it.</param>
    internal ContainerHandle? TryOpen(string id, Func<Container, bool>? removes = null, Action? beforeWaiting = null)
    {
        var paths = PathsOf(id);
        // A lock file for a container that is gone would only be left behind.
        if (!File.Exists(paths.DefinitionFile)) return null;
        var held = beforeWaiting is null ? FileLock.Acquire(ContainerLockPath(id)) : FileLock.TryAcquire(ContainerLockPath(id));
        if (held is null)
        {
            beforeWaiting!();
            held = FileLock.Acquire(ContainerLockPath(id));
        }
        try
        {
            var recorded = ReadRecorded(paths);
            if (recorded is null)
            {
                held.Dispose();
                return null;
            }
            var observed = ContainerTransitions.Observe(recorded);
            return new ContainerHandle(this, held, Settle(observed, removes?.Invoke(observed) == true));
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="action"/> on the settled container while holding its lock.</summary>
    internal T WithLock<T>(string id, Func<Container, T> action, Action? beforeWaiting = null)
    {
        using var handle = Open(id, beforeWaiting: beforeWaiting);
        return action(handle.Container);
    }

    /// <remarks>
    /// Not durable (no fsync): state.json records a run (its pid, monitor, cgroup, mounts), which a power cut ends along
    /// with every process, mount and cgroup it names; an engine that crashes leaves the page cache, and so the file, as
    /// written. After a power cut a replaced state.json reads as the old version or the new (the rename replaces it
    /// whole; ext4 also writes a file replaced by rename before the rename commits), a new one that lost its data
    /// reads as never written (a Created container, StateFiles.Read); a Running record whose monitor is gone is then
    /// settled as a lost monitor. The exit of a kept container is the monitor's exit.json, which stays durable.
    /// </remarks>
    internal Container SaveState(Container container, ContainerRuntimeState state)
    {
        _states.Write(container.Paths.StateFile, state, durable: false);
        return container with { State = state, PendingExit = PendingExit.None };
    }

    /// <summary>container.json and state.json as written, or null when the container does not exist (parsed again only when a file changed).</summary>
    private Container? ReadRecorded(ContainerPaths paths)
    {
        var definition = _definitions.Read(paths.DefinitionFile);
        if (definition is null) return null;
        var state = _states.Read(paths.StateFile) ?? new ContainerRuntimeState();
        return new Container(definition, state, paths);
    }
}
