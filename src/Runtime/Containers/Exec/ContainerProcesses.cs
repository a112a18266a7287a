using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.Runtime.Containers.Exec;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers;

public sealed partial class ContainerStore
{
    /// <summary>
    /// The processes of a running or paused container, read from its cgroup (so exec'd processes and their children
    /// count too), in container pid order. A process that ends while being read is left out.
    /// </summary>
    public IReadOnlyList<ContainerProcessInfo> Processes(string idOrName)
    {
        var container = Resolve(idOrName);
        if (container.Status is not (ContainerStatus.Running or ContainerStatus.Paused) || container.State.Cgroup is null)
            throw new ContainerToolsException(ErrorIds.ContainerNotRunning, $"The container '{container.Name}' is not running.", container.Name);
        var layers = File.ReadAllLines(container.Paths.LayersFile).Where(l => l.Length > 0).ToList();
        var names = new Dictionary<uint, string>();
        var result = new List<ContainerProcessInfo>();
        foreach (var pid in Cgroup.Open(container.State.Cgroup).Pids())
        {
            try
            {
                var status = File.ReadAllLines($"/proc/{pid}/status");
                var nspid = Field(status, "NSpid:");
                var uid = uint.Parse(Field(status, "Uid:")[0]);
                var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
                // A kernel-less name (a zombie) has no cmdline: show its comm like ps does.
                if (cmdline.Length == 0) cmdline = [$"[{Field(status, "Name:")[0]}]"];
                if (!names.TryGetValue(uid, out var user)) names[uid] = user = ContainerUser.NameOf(uid, layers) ?? uid.ToString();
                result.Add(new ContainerProcessInfo(container.Id, pid, int.Parse(nspid[^1]), uid, user, cmdline));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Ended between the listing and the read.
            }
        }
        return result.OrderBy(p => p.ContainerPid).ToList();
    }

    private static string[] Field(string[] status, string name) =>
        status.First(l => l.StartsWith(name, StringComparison.Ordinal))[name.Length..].Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries);
}
