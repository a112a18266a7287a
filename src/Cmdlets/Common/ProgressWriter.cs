using System.Collections.Concurrent;
using System.Management.Automation;
using ContainerTools.Runtime.Images;

namespace ContainerTools.Cmdlets.Common;

/// <summary>
/// Turns the engine's ImageProgress reports into Write-Progress. PowerShell only accepts writes from the pipeline
/// thread, so reports from other threads wait in a queue until the next report on the pipeline thread (or Complete).
/// </summary>
public sealed class ProgressWriter : IProgress<ImageProgress>
{
    private static int nextActivityId = 1;
    private readonly Cmdlet cmdlet;
    private readonly string activity;
    private readonly int activityId = Interlocked.Increment(ref nextActivityId);
    private readonly int pipelineThread = Environment.CurrentManagedThreadId;
    private readonly ConcurrentQueue<ImageProgress> pending = new();

    internal ProgressWriter(Cmdlet cmdlet, string activity)
    {
        this.cmdlet = cmdlet;
        this.activity = activity;
    }

    public void Report(ImageProgress value)
    {
        pending.Enqueue(value);
        if (Environment.CurrentManagedThreadId == pipelineThread)
        {
            Flush();
        }
    }

    public void Complete()
    {
        Flush();
        cmdlet.WriteProgress(new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
    }

    private void Flush()
    {
        while (pending.TryDequeue(out var p))
        {
            var record = new ProgressRecord(activityId, string.IsNullOrEmpty(p.Activity) ? activity : p.Activity, string.IsNullOrEmpty(p.Status) ? "Working" : p.Status)
            {
                PercentComplete = p.Total > 0 ? Math.Clamp(p.Completed * 100 / p.Total, 0, 100) : -1,
                CurrentOperation = p.LayerDigest ?? "",
            };
            cmdlet.WriteProgress(record);
        }
    }
}
