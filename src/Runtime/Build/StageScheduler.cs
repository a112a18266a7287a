using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using ContainerTools.Runtime.Build.Dockerfile;

namespace ContainerTools.Runtime.Build;

/// <summary>
/// Runs the stages a build needs, each once the stages it depends on are done. Independent stages run at once, each on
/// a thread of its own; their reports are queued and written on the calling thread (a PowerShell pipeline only takes
/// writes from its own thread). The first failure cancels the other stages and is rethrown once they have stopped.
/// </summary>
internal static class StageScheduler
{
    public static void Run(IReadOnlyList<BuildStage> stages, IReadOnlyDictionary<int, HashSet<int>> dependencies, QueuedBuildOutput output,
        Action<BuildStage, CancellationToken> build, CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var done = new HashSet<int>();
        var running = new Dictionary<int, Thread>();
        var finished = new ConcurrentQueue<int>();
        var errors = new ConcurrentQueue<Exception>();
        while (true)
        {
            if (errors.IsEmpty && !failed.IsCancellationRequested)
            {
                foreach (var stage in stages.Where(s => !done.Contains(s.Index) && !running.ContainsKey(s.Index) && dependencies[s.Index].IsSubsetOf(done)))
                {
                    var thread = new Thread(() =>
                    {
                        try
                        {
                            build(stage, failed.Token);
                        }
                        catch (Exception ex)
                        {
                            errors.Enqueue(ex);
                            failed.Cancel();
                        }
                        finally
                        {
                            finished.Enqueue(stage.Index);
                            output.Wake();
                        }
                    }) { IsBackground = true, Name = $"build stage {stage.Index}" };
                    running[stage.Index] = thread;
                    thread.Start();
                }
            }
            if (running.Count == 0)
            {
                break;
            }
            output.WaitAndDrain();
            while (finished.TryDequeue(out var index))
            {
                running[index].Join();
                running.Remove(index);
                done.Add(index);
            }
        }
        output.Drain();
        cancellationToken.ThrowIfCancellationRequested();
        var first = errors.FirstOrDefault(e => e is not OperationCanceledException) ?? errors.FirstOrDefault();
        if (first is not null)
        {
            ExceptionDispatchInfo.Throw(first);
        }
    }
}

/// <summary>Reports made on stage threads, held until the calling thread drains them into the real output.</summary>
internal sealed class QueuedBuildOutput(IBuildOutput target) : IBuildOutput, IDisposable
{
    private readonly ConcurrentQueue<Action<IBuildOutput>> _pending = new();
    private readonly AutoResetEvent _signal = new(false);

    public void Step(int number, int total, string instruction) => Enqueue(o => o.Step(number, total, instruction));
    public void UsingCache(string imageId) => Enqueue(o => o.UsingCache(imageId));
    public void Output(string line) => Enqueue(o => o.Output(line));
    public void Warning(string message) => Enqueue(o => o.Warning(message));
    public void Progress(string activity, string status) => Enqueue(o => o.Progress(activity, status));

    public void Wake() => _signal.Set();

    public void WaitAndDrain()
    {
        _signal.WaitOne(100);
        Drain();
    }

    public void Drain()
    {
        while (_pending.TryDequeue(out var report))
        {
            report(target);
        }
    }

    public void Dispose() => _signal.Dispose();

    private void Enqueue(Action<IBuildOutput> report)
    {
        _pending.Enqueue(report);
        _signal.Set();
    }
}
