namespace ContainerTools.Tests.Fixtures;

/// <summary>IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, so a test could miss reports).</summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
