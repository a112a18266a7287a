using System.Collections;
using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Containers.Exec;
using EngineContainer = ContainerTools.Runtime.Containers.Container;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>
/// Starts a process in running containers and leaves it running (docker exec -d): its stdin, stdout and stderr are
/// /dev/null. Writes a ContainerProcess per container; the process lives on after this session (the container's
/// PID 1 inherits it) and dies with the container.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "ContainerProcess", SupportsShouldProcess = true)]
[OutputType(typeof(ContainerTools.ContainerProcess))]
public sealed class StartContainerProcessCommand : ContainerTargetCmdlet
{
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[] Command { get; set; } = [];

    [Parameter]
    public string? User { get; set; }

    [Parameter]
    [Alias("WorkDir")]
    public string? WorkingDirectory { get; set; }

    [Parameter]
    [Alias("Env")]
    public Hashtable? Environment { get; set; }

    protected override void Act(EngineContainer container)
    {
        if (!ShouldProcess(Describe(container), $"Start '{string.Join(' ', Command)}'"))
        {
            return;
        }
        var options = ExecOptionsBuilder.Build(Command, User, WorkingDirectory, Environment, openStandardInput: false);
        var started = TryEngine(() => Containers.ExecDetached(container.Id, options), container.Name);
        if (started is null)
        {
            return;
        }
        var (containerPid, uid) = Status(started.Pid);
        WriteObject(new ContainerTools.ContainerProcess
        {
            ContainerId = started.ContainerId,
            ContainerName = container.Name,
            Pid = started.Pid,
            ContainerPid = containerPid,
            Uid = uid,
            User = User ?? container.Definition.User ?? "root",
            Command = started.Command.ToArray(),
        });
    }

    // The last NSpid field is the pid in the innermost (the container's) namespace; zeros if the process already ended.
    private static (int ContainerPid, uint Uid) Status(int hostPid)
    {
        try
        {
            var lines = File.ReadAllLines($"/proc/{hostPid}/status");
            string[] Field(string name) => lines.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            return (int.Parse(Field("NSpid:")[^1]), uint.Parse(Field("Uid:")[1]));
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            return (0, 0);
        }
    }
}
