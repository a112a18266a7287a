using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Cmdlets.Containers;

/// <summary>
/// Resource use of running containers, like `docker stats --no-stream` (or `docker stats` with -Stream): CPU from two
/// readings of the cgroup's CPU time a second apart, memory, pids, block and network I/O.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ContainerStatistic")]
[OutputType(typeof(ContainerStatistic))]
public sealed class GetContainerStatisticCommand : ContainerToolsCmdlet
{
    private readonly List<string> ids = new();
    private bool named;

    /// <summary>The containers; without it every running or paused container.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias(ContainerParameter.IdAlias, ContainerParameter.NameAlias)]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Container { get; set; }

    /// <summary>Writes a new sample of every container each second until Ctrl+C.</summary>
    [Parameter]
    public SwitchParameter Stream { get; set; }

    /// <summary>With -Stream, stop after this many samples per container.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; } = int.MaxValue;

    /// <summary>Time between samples, in milliseconds (default 1000).</summary>
    [Parameter(DontShow = true)]
    [ValidateRange(10, 60_000)]
    public int IntervalMilliseconds { get; set; } = 1000;

    protected override void ProcessRecordLocally()
    {
        if (Container is null)
        {
            return;
        }
        named = true;
        foreach (var text in Container)
        {
            if (WildcardPattern.ContainsWildcardCharacters(text))
            {
                var pattern = WildcardPattern.Get(text, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
                ids.AddRange(TryEngine(() => Containers.List(), text)?.Where(c => pattern.IsMatch(c.Name) && IsRunning(c)).Select(c => c.Id) ?? []);
                continue;
            }
            var container = TryEngine(() => Containers.Resolve(text), text);
            if (container is null)
            {
                continue;
            }
            if (!IsRunning(container))
            {
                WriteError(ErrorRecords.From(new OciRuntime.Errors.ContainerToolsException(OciRuntime.Errors.ErrorIds.ContainerNotRunning, $"The container '{container.Name}' is not running.", container.Name), container.Name));
                continue;
            }
            ids.Add(container.Id);
        }
    }

    protected override void EndProcessingLocally()
    {
        if (!named)
        {
            ids.AddRange(TryEngine(() => Containers.List(), Root.Path)?.Where(IsRunning).Select(c => c.Id) ?? []);
        }
        var targets = ids.Distinct().ToList();
        if (targets.Count == 0)
        {
            return;
        }
        var previous = Sample(targets);
        var samples = Stream ? Count : 1;
        for (var round = 0; round < samples; round++)
        {
            if (Cancellation.WaitHandle.WaitOne(IntervalMilliseconds))
            {
                throw new PipelineStoppedException();
            }
            var current = Sample(previous.Keys);
            foreach (var (id, sample) in current)
            {
                var cpu = ContainerStatistics.CpuPercentBetween(previous.GetValueOrDefault(id), sample);
                WriteObject(ContainerStatistic.From(new ContainerStatistics(sample, cpu)));
            }
            if (current.Count == 0)
            {
                return;
            }
            previous = current;
        }
    }

    // A container that stops between samples just drops out, as in docker stats.
    private Dictionary<string, ContainerStatisticsSample> Sample(IEnumerable<string> targets)
    {
        var samples = new Dictionary<string, ContainerStatisticsSample>();
        foreach (var id in targets)
        {
            try
            {
                samples[id] = Containers.SampleStatistics(id);
            }
            catch (OciRuntime.Errors.ContainerToolsException ex) when (ex.Kind is OciRuntime.Errors.ErrorKind.InvalidOperation or OciRuntime.Errors.ErrorKind.NotFound)
            {
            }
        }
        return samples;
    }

    private static bool IsRunning(Runtime.Containers.Container container) =>
        container.Status is ContainerStatus.Running or ContainerStatus.Paused;
}
