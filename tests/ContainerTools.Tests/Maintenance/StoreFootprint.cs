using System.Text.RegularExpressions;
using ContainerTools.Runtime.Containers;
using ContainerTools.Tests.Network;

namespace ContainerTools.Tests.Maintenance;

/// <summary>
/// The host objects one store's containers and networks made, found from the host's side and independently of the
/// engine's own marks: its bridges and the veths in them, the iptables lines naming a bridge's 12 hex digits, a
/// container id, or a CNI-DN chain that jumps to one of the store's chains, mounts and processes under the store's
/// directory (and the containers' processes through their cgroups), and cgroups named by its containers' ids. Taken
/// while the store still knows its networks and containers; <see cref="StillPresent"/> then looks for the same
/// objects, so concurrent work of other stores on the host does not count.
/// </summary>
internal sealed class StoreFootprint
{
    private readonly string _root;
    private readonly IReadOnlyList<string> _bridges;
    private readonly IReadOnlyList<string> _containerIds;

    public StoreFootprint(ContainerStore store)
    {
        _root = store.Root.Path;
        _bridges = store.Networks.List().Select(n => n.Bridge).ToList();
        _containerIds = store.List().Select(c => c.Id).ToList();
        Objects = Current();
    }

    public IReadOnlyList<string> Objects { get; }

    /// <summary>Which of the objects seen at construction are still on the host.</summary>
    public IReadOnlyList<string> StillPresent()
    {
        var now = Current().ToHashSet();
        return Objects.Where(o => now.Contains(o) || (o.StartsWith("process ") && ProcessAlive(o))).ToList();
    }

    private List<string> Current()
    {
        var found = new List<string>();
        var links = HostCommand.Check("ip", "-o", "link", "show");
        foreach (var bridge in _bridges.Where(b => links.Contains($": {b}:")))
        {
            found.Add($"link {bridge}");
            foreach (Match veth in Regex.Matches(HostCommand.Check("ip", "-o", "link", "show", "master", bridge), @"^\d+: ([^:@]+)", RegexOptions.Multiline))
            {
                found.Add($"link {veth.Groups[1].Value}");
            }
        }
        var keys = _bridges.Select(b => b[3..]).Concat(_containerIds).ToList();
        var save = HostCommand.Check("iptables-save").Split('\n').Where(l => l.StartsWith(':') || l.StartsWith("-A ")).ToList();
        var portChains = save.Where(l => l.StartsWith("-A CNI-DN-") && keys.Any(l.Contains)).Select(l => l.Split(' ')[1]).ToHashSet();
        found.AddRange(save.Where(l => keys.Any(l.Contains) || portChains.Any(l.Contains)).Select(l => "iptables " + Regex.Replace(l, @" \[\d+:\d+\]", "")));
        found.AddRange(File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).Where(m => m.StartsWith(_root + "/")).Select(m => $"mount {m}"));
        foreach (var id in _containerIds)
        {
            foreach (var dir in Directory.EnumerateDirectories("/sys/fs/cgroup", id, new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 10, IgnoreInaccessible = true }))
            {
                found.Add($"cgroup {dir}");
                foreach (var pid in File.ReadAllLines(Path.Combine(dir, "cgroup.procs")))
                {
                    found.Add(ProcessEntry(pid));
                }
            }
        }
        foreach (var dir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Contains(_root + "/"))
                {
                    found.Add(ProcessEntry(Path.GetFileName(dir)));
                }
            }
            catch (IOException)
            {
            }
        }
        return found.Distinct().Order(StringComparer.Ordinal).ToList();
    }

    private static string ProcessEntry(string pid) => $"process {pid} {ContainerTools.OciRuntime.Linux.ProcStat.StartTime(int.Parse(pid))}";

    private static bool ProcessAlive(string entry)
    {
        var parts = entry.Split(' ');
        return ContainerTools.OciRuntime.Linux.ProcStat.StartTime(int.Parse(parts[1]))?.ToString() == parts[2];
    }
}
