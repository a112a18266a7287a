using System.Text.Json;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Files;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Ctrun;

/// <summary>
/// ROOT/ID: state.json (the record), config.json (the spec as created: poststop hooks run from it even if the bundle is
/// gone) and exec.fifo, the start gate ctinit blocks on. The FIFO's presence is what "created" means, as in runc.
/// </summary>
internal sealed class ContainerDirectory
{
    public const string StateFile = "state.json";
    public const string ConfigFile = "config.json";
    public const string FifoFile = "exec.fifo";

    public ContainerDirectory(string root, string id)
    {
        ValidateId(id);
        Id = id;
        Path = System.IO.Path.Combine(root, id);
    }

    public string Id { get; }
    public string Path { get; }
    public string Fifo => System.IO.Path.Combine(Path, FifoFile);
    public string Config => System.IO.Path.Combine(Path, ConfigFile);

    public static void ValidateId(string id)
    {
        if (id.Length == 0 || id is "." or ".." || id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '-' or '.')))
            throw new CtrunError($"invalid id format: {id}");
    }

    public bool Exists => File.Exists(System.IO.Path.Combine(Path, StateFile));

    public ContainerRecord Load()
    {
        try
        {
            var bytes = File.ReadAllBytes(System.IO.Path.Combine(Path, StateFile));
            return ContainerRecordJson.Read(bytes);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CtrunError($"container does not exist");
        }
        catch (JsonException ex)
        {
            throw new CtrunError($"container {Id}: its state file is damaged: {ex.Message}");
        }
    }

    public void Save(ContainerRecord record) =>
        AtomicFile.WriteAllBytes(System.IO.Path.Combine(Path, StateFile), ContainerRecordJson.Write(record), durable: false);

    public ContainerStatus Status(ContainerRecord record)
    {
        if (record.Pid <= 0 || !ProcStat.IsSameProcessAlive(record.Pid, record.StartTime)) return ContainerStatus.Stopped;
        if (File.Exists(Fifo)) return ContainerStatus.Created;
        if (record.Cgroup is { } handle)
        {
            try { if (Cgroup.Open(handle).IsFrozen) return ContainerStatus.Paused; }
            catch (Exception ex) when (ex is IOException or OciRuntime.Errors.ContainerToolsException) { }
        }
        return ContainerStatus.Running;
    }

    public ContainerStateDocument Describe(ContainerRecord record)
    {
        var status = Status(record);
        return new ContainerStateDocument
        {
            OciVersion = record.OciVersion,
            Id = record.Id,
            Pid = status == ContainerStatus.Stopped ? 0 : record.Pid,
            Status = status.Text(),
            Bundle = record.Bundle,
            Rootfs = record.Rootfs,
            Created = record.Created.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ"),
            Annotations = record.Annotations,
            Owner = record.Owner,
        };
    }
}

internal enum ContainerStatus { Creating, Created, Running, Paused, Stopped }

internal static class ContainerStatusText
{
    public static string Text(this ContainerStatus status) => status switch
    {
        ContainerStatus.Creating => "creating",
        ContainerStatus.Created => "created",
        ContainerStatus.Running => "running",
        ContainerStatus.Paused => "paused",
        _ => "stopped",
    };
}
