using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.OciRuntime.Cgroups;

/// <summary>
/// One container's cgroup, on either cgroup version. Created beneath the calling process's own cgroup
/// (in a "containertools" sub-directory) unless a parent is given; it only ever touches directories it made.
/// </summary>
public abstract class Cgroup
{
    /// <summary>The sub-directory of the caller's own cgroup that holds the containers' cgroups.</summary>
    public const string DefaultGroupDirectory = "containertools";

    protected Cgroup(CgroupHandle handle) => Handle = handle;

    public CgroupHandle Handle { get; }

    public CgroupVersion Version => Handle.Version;

    /// <summary>The cgroup.procs files: every process in this cgroup (read them for the pids).</summary>
    public IReadOnlyList<string> ProcsFiles => Handle.Directories.Values.Select(d => Path.Combine(d, "cgroup.procs")).ToList();

    /// <summary>
    /// The files ctinit writes "0" to in order to join this cgroup before it execs. On v1 that is each hierarchy's
    /// "tasks": it moves only the writing thread, and the kernel then skips the global threadgroup lock whose write side
    /// waits out an RCU grace period (5-20 ms per join here, most of an exec's time); the runtime's other threads end at
    /// execve anyway. v2 has no per-thread file outside threaded mode, so it is cgroup.procs there.
    /// </summary>
    public IReadOnlyList<string> JoinFiles => Handle.Directories.Values
        .Select(d => Path.Combine(d, Version == CgroupVersion.V1 ? "tasks" : "cgroup.procs")).ToList();

    public bool Exists => Handle.Directories.Values.Any(Directory.Exists);

    /// <summary>
    /// Creates the cgroup named <paramref name="name"/> under <paramref name="parent"/> (a path from the hierarchy
    /// root, e.g. "/machine.slice"), or under the caller's own cgroup + "/containertools" when parent is null.
    /// </summary>
    /// <param name="joinExisting">An existing directory is taken as is (runc's cgroupfs manager: a cgroupsPath someone
    /// made beforehand); otherwise it is refused with CgroupExists.</param>
    /// <param name="extraControllers">Controllers beyond the usual ones that this container's limits need (cpuset,
    /// hugetlb, net_cls, net_prio; see <see cref="SpecResources.Controllers"/>): v1 makes its directory in those
    /// hierarchies too, v2 enables them down the path.</param>
    public static Cgroup Create(string name, CgroupHost? host = null, string? parent = null, bool joinExisting = false, IReadOnlyCollection<string>? extraControllers = null)
    {
        host ??= CgroupHost.Default;
        if (name.Length == 0 || name.Contains('/') || name is "." or "..")
        {
            throw new ContainerToolsException(ErrorIds.InvalidCgroupName, $"'{name}' is not a valid cgroup name.", name);
        }
        extraControllers ??= [];
        return host.Version == CgroupVersion.V2
            ? CgroupV2.Create(host, name, parent, joinExisting, extraControllers)
            : CgroupV1.Create(host, name, parent, joinExisting, extraControllers);
    }

    public static Cgroup Open(CgroupHandle handle) =>
        handle.Version == CgroupVersion.V2 ? new CgroupV2(handle) : new CgroupV1(handle);

    public abstract void SetLimits(CgroupLimits limits);

    /// <summary>
    /// Puts device rules (the runtime spec's linux.resources.devices, in order) in force before anything joins: v1
    /// writes them to the devices controller, v2 attaches a BPF device program. A rule list that refuses nothing
    /// changes nothing.
    /// </summary>
    public void ApplyDeviceRules(IReadOnlyList<DeviceCgroupSpec> rules) => ApplyDeviceRules(DeviceRuleSet.From(rules));

    public abstract void ApplyDeviceRules(DeviceRuleSet rules);

    /// <summary>Freezes every process in the cgroup and returns once the kernel reports it frozen.</summary>
    public abstract void Freeze();

    public abstract void Thaw();

    public abstract bool IsFrozen { get; }

    public abstract CgroupStats ReadStats();

    /// <summary>Bytes read from and written to block devices by the cgroup's processes, summed over devices.</summary>
    public abstract BlockIoStats ReadBlockIo();

    /// <summary>How many processes the kernel's OOM killer has killed in this cgroup.</summary>
    public abstract long OomKillCount();

    /// <summary>
    /// Kills every process in the cgroup with SIGKILL and waits until it is empty. A cgroup that disappears meanwhile
    /// (its monitor removed it after the last process died), or a control file that fails once every process is gone,
    /// counts as emptied.
    /// </summary>
    public void KillAll()
    {
        try { KillAllCore(); }
        catch (ContainerToolsException) when (!Exists || Pids().Count == 0) { }
    }

    protected abstract void KillAllCore();

    public IReadOnlyList<int> Pids() => ProcsFiles.SelectMany(CgroupFiles.ReadPids).Distinct().ToList();

    /// <summary>
    /// Removes the cgroup once its processes are gone (retrying while the kernel still counts exiting ones), then the
    /// parents its creation made when they are empty. Missing directories are fine: delete is idempotent.
    /// </summary>
    public void Delete(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        foreach (var dir in Handle.Directories.Values)
        {
            var delay = 1;
            while (true)
            {
                var errno = Directories.TryRemove(dir);
                if (errno is 0 or Errno.ENOENT) break;
                if (errno is Errno.EBUSY or Errno.ENOTEMPTY && DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(delay);
                    delay = Math.Min(delay * 2, 50);
                    continue;
                }
                throw new ContainerToolsException(ErrorIds.CgroupDeleteFailed, $"Could not remove the cgroup '{dir}': {SystemCallException.Describe(errno)}.", dir);
            }
        }
        RemoveParents();
    }

    /// <summary>
    /// Removes the cgroup when nothing is left in it, which the kernel's rmdir itself checks (EBUSY otherwise): a
    /// container's exit, whose processes died with its PID 1, costs one rmdir per hierarchy and no procs file read.
    /// False when a process is still there (the caller then kills them: KillAll, Delete).
    /// </summary>
    public bool TryDeleteEmpty()
    {
        foreach (var dir in Handle.Directories.Values)
        {
            var errno = Directories.TryRemove(dir);
            if (errno is not (0 or Errno.ENOENT)) return false;
        }
        RemoveParents();
        return true;
    }

    private void RemoveParents()
    {
        var parents = Handle.CreatedParents.ToList();
        // The shared "containertools" directory is ContainerTools' own whoever made it: the last container out removes it.
        foreach (var dir in Handle.Directories.Values)
        {
            var parent = Path.GetDirectoryName(dir)!;
            if (Path.GetFileName(parent) == DefaultGroupDirectory && !parents.Contains(parent)) parents.Add(parent);
        }
        foreach (var parent in Enumerable.Reverse(parents))
        {
            // Busy or not empty means another container still uses it: leave it.
            Directories.TryRemove(parent);
        }
    }

    /// <summary>Makes <paramref name="directory"/> and any missing parents below <paramref name="hierarchyRoot"/>; returns the parents it made.</summary>
    protected static void CreateDirectory(string hierarchyRoot, string directory, List<string> createdParents, bool joinExisting = false)
    {
        // A start finds the parents there (one mkdir), or only the shared containertools parent missing, which the
        // last container out removed (two); deeper gaps take the walk from the hierarchy's root.
        var errno = Directories.TryMake(directory);
        if (errno == Errno.ENOENT)
        {
            var parent = Path.GetDirectoryName(directory)!;
            var made = Directories.TryMake(parent);
            if (made == 0) createdParents.Add(parent);
            if (made is 0 or Errno.EEXIST) errno = Directories.TryMake(directory);
        }
        if (errno == Errno.ENOENT) errno = CreateWithParents(hierarchyRoot, directory, createdParents);
        if (errno == Errno.EEXIST && joinExisting) return;
        if (errno == Errno.EEXIST)
        {
            throw new ContainerToolsException(ErrorIds.CgroupExists, $"The cgroup '{directory}' already exists.", directory);
        }
        if (errno != 0)
        {
            throw new ContainerToolsException(ErrorIds.CgroupCreateFailed, $"Could not create the cgroup '{directory}': {SystemCallException.Describe(errno)}.", directory);
        }
    }

    private static int CreateWithParents(string hierarchyRoot, string directory, List<string> createdParents)
    {
        if (!Directory.Exists(hierarchyRoot))
        {
            throw new ContainerToolsException(ErrorIds.CgroupsUnavailable, $"The cgroup hierarchy '{hierarchyRoot}' is not mounted.", hierarchyRoot);
        }
        var missing = new Stack<string>();
        for (var dir = Path.GetDirectoryName(directory)!; !Directory.Exists(dir); dir = Path.GetDirectoryName(dir)!)
        {
            missing.Push(dir);
        }
        foreach (var dir in missing)
        {
            if (Directories.TryMake(dir) == 0) createdParents.Add(dir);
        }
        var errno = Directories.TryMake(directory);
        for (var attempt = 0; errno == Errno.ENOENT && attempt < 10; attempt++)
        {
            // Another container's delete removed the shared parent between our mkdirs: make it again.
            Directories.TryMake(Path.GetDirectoryName(directory)!);
            errno = Directories.TryMake(directory);
        }
        return errno;
    }

    /// <param name="selfCgroup">The caller's /proc/self/cgroup (<see cref="CgroupHost.ReadSelfCgroup"/>), read once per creation.</param>
    protected static string ContainerDirectory(CgroupHost host, string controller, string name, string? parent, string[] selfCgroup)
    {
        var parentDir = parent is null
            ? Path.Combine(host.OwnCgroupDirectory(controller, selfCgroup), DefaultGroupDirectory)
            : Path.Combine(host.HierarchyRoot(controller), parent.Trim('/'));
        return Path.Combine(parentDir, name);
    }

    /// <summary>Sends SIGKILL to every process listed, repeating until the cgroup is empty (new forks are caught by the repeat).</summary>
    protected void KillListedUntilEmpty()
    {
        var emptied = CgroupFiles.WaitUntil(() =>
        {
            var pids = Pids();
            foreach (var pid in pids) ProcessSignals.TrySend(pid, ProcessSignals.SIGKILL);
            return pids.Count == 0;
        }, TimeSpan.FromSeconds(10));
        if (!emptied)
        {
            throw new ContainerToolsException(ErrorIds.CgroupKillFailed, "Processes of the cgroup survived SIGKILL for 10 seconds.", ProcsFiles.FirstOrDefault());
        }
    }
}
