using System.Text.RegularExpressions;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.Runtime.Containers;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Launch;

namespace ContainerTools.Runtime.Maintenance;

/// <summary>
/// What a started container holds outside its directory, found from the host's side: mounts at or under
/// STORE/containers/ID/ (the overlay root filesystem `merged`, the network namespace's bind mount `netns`), its
/// monitor (`ctmon --monitor STORE/containers/ID`), and its cgroups (a directory named ID in a `containertools`
/// directory, in each hierarchy). The container directory's path is the mark: it names the store and the container.
/// </summary>
internal sealed partial record ContainerLeftovers(string StorePath, string ContainerId, IReadOnlyList<string> Mounts, IReadOnlyList<int> Monitors, IReadOnlyList<string> Cgroups)
{
    public string Directory => Path.Combine(StorePath, "containers", ContainerId);

    /// <summary>True when the store no longer has the container (its container.json is gone with its directory or alone).</summary>
    public bool IsOrphaned => !File.Exists(Path.Combine(Directory, "container.json"));

    public IEnumerable<HostObject> Describe()
    {
        var shortId = ContainerId[..12];
        foreach (var monitor in Monitors)
        {
            yield return new HostObject("process", monitor.ToString(), StorePath, $"ctmon of container {shortId}, and the container's processes");
        }
        foreach (var mount in Mounts)
        {
            yield return new HostObject("mount", mount, StorePath, $"container {shortId}");
        }
        foreach (var cgroup in Cgroups)
        {
            yield return new HostObject("cgroup", cgroup, StorePath, $"container {shortId}");
        }
    }

    /// <summary>Every container of any store that holds something on the host.</summary>
    public static IReadOnlyList<ContainerLeftovers> Find()
    {
        var mounts = EngineMounts().Select(m => (Path: m, Match: ContainerPath().Match(m))).Where(m => m.Match.Success).ToList();
        var monitors = MonitorProcesses().ToList();
        var keys = mounts.Select(m => (m.Match.Groups["store"].Value, m.Match.Groups["id"].Value))
            .Concat(monitors.Select(m => (m.Store, m.Id))).Distinct().ToList();
        var cgroups = CgroupDirectories(keys.Select(k => k.Item2).ToHashSet());
        return keys.Select(k => new ContainerLeftovers(k.Item1, k.Item2,
                mounts.Where(m => m.Match.Groups["store"].Value == k.Item1 && m.Match.Groups["id"].Value == k.Item2).Select(m => m.Path).OrderDescending(StringComparer.Ordinal).ToList(),
                monitors.Where(m => m.Store == k.Item1 && m.Id == k.Item2).Select(m => m.Pid).ToList(),
                cgroups.Where(c => Path.GetFileName(c) == k.Item2).ToList()))
            .ToList();
    }

    /// <summary>
    /// Kills the container's processes (everything in its cgroups) and its monitor, unmounts its mounts and removes its
    /// cgroups, as the monitor would have on the container's exit.
    /// </summary>
    public void Remove()
    {
        KillCgroupProcesses();
        foreach (var monitor in Monitors)
        {
            ProcessSignals.TrySend(monitor, Signals.SigKill);
        }
        foreach (var mount in Mounts)
        {
            OverlayMount.Unmount(mount);
        }
        foreach (var cgroup in Cgroups)
        {
            RemoveCgroup(cgroup);
        }
    }

    private void KillCgroupProcesses()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var pids = Cgroups.SelectMany(ReadPids).Distinct().ToList();
            if (pids.Count == 0)
            {
                return;
            }
            foreach (var pid in pids)
            {
                ProcessSignals.TrySend(pid, Signals.SigKill);
            }
            Thread.Sleep(20);
        }
    }

    private static IEnumerable<int> ReadPids(string cgroup)
    {
        try
        {
            return File.ReadAllLines(Path.Combine(cgroup, "cgroup.procs")).Where(l => l.Length > 0).Select(int.Parse).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static void RemoveCgroup(string cgroup)
    {
        for (var attempt = 0; attempt < 100 && Directories.TryRemove(cgroup) is not (0 or Errno.ENOENT); attempt++)
        {
            Thread.Sleep(20);
        }
        // The shared parent goes with its last container (as Cgroup.Delete does); busy means others still use it.
        Directories.TryRemove(Path.GetDirectoryName(cgroup)!);
    }

    [GeneratedRegex("^(?<store>/.*)/containers/(?<id>[0-9a-f]{64})(?:/.*)?$")]
    private static partial Regex ContainerPath();

    /// <summary>
    /// The mounts only the engine makes there: an overlay on STORE/containers/ID/merged whose lower layers are the
    /// store's (STORE/layers/), and a network namespace (nsfs) on STORE/containers/ID/netns. Other engines' paths can
    /// look alike (docker's /var/lib/docker/containers/ID/mounts/shm): anything else is not ours.
    /// </summary>
    private static IEnumerable<string> EngineMounts()
    {
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 0 || separator + 3 >= fields.Length)
            {
                continue;
            }
            var mountPoint = OverlayMount.Unescape(fields[4]);
            var type = fields[separator + 1];
            var match = ContainerPath().Match(mountPoint);
            if (!match.Success)
            {
                continue;
            }
            var inContainer = mountPoint[(match.Groups["id"].Index + match.Groups["id"].Length)..];
            var layers = match.Groups["store"].Value + "/layers/";
            if ((inContainer == "/merged" && type == "overlay" && OverlayMount.Unescape(fields[separator + 3]).Contains("lowerdir=" + layers))
                || (inContainer == "/netns" && type == "nsfs"))
            {
                yield return mountPoint;
            }
        }
    }

    private static IEnumerable<(int Pid, string Store, string Id)> MonitorProcesses()
    {
        foreach (var dir in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            string[] args;
            try
            {
                args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (args.Length > 2 && Path.GetFileName(args[0]) == HelperBinary.Monitor.FileName && args[1] == "--monitor"
                && ContainerPath().Match(args[2].TrimEnd('/')) is { Success: true } match)
            {
                yield return (pid, match.Groups["store"].Value, match.Groups["id"].Value);
            }
        }
    }

    /// <summary>Directories named by one of the ids inside a `containertools` directory, in every cgroup hierarchy.</summary>
    private static IReadOnlyList<string> CgroupDirectories(IReadOnlySet<string> ids)
    {
        var found = new List<string>();
        if (ids.Count == 0 || !System.IO.Directory.Exists("/sys/fs/cgroup"))
        {
            return found;
        }
        var options = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 10, IgnoreInaccessible = true };
        foreach (var dir in System.IO.Directory.EnumerateDirectories("/sys/fs/cgroup", Cgroup.DefaultGroupDirectory, options))
        {
            foreach (var id in ids)
            {
                var candidate = Path.Combine(dir, id);
                if (System.IO.Directory.Exists(candidate))
                {
                    found.Add(candidate);
                }
            }
        }
        return found;
    }
}
