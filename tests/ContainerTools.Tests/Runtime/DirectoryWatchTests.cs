using ContainerTools.OciRuntime.Files;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Tests.Runtime;

/// <summary>The inotify watch the container waits use: woken by what a monitor does to a container directory, and by nothing else.</summary>
public sealed class DirectoryWatchTests : IDisposable
{
    private static readonly int Long = (int)TimeSpan.FromSeconds(30).TotalMilliseconds;
    private readonly string _directory = Directory.CreateTempSubdirectory("ct-watch-").FullName;

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void WakesWhenAFileIsRenamedIntoPlaceAndNotForWritesToAnother()
    {
        File.WriteAllText(Path.Combine(_directory, "container.log"), "");
        using var watch = DirectoryWatch.TryOpen(_directory)!;
        Assert.NotNull(watch);

        File.AppendAllText(Path.Combine(_directory, "container.log"), "a line\n");
        Assert.False(watch.WaitForChange(0));

        var writer = Task.Run(() => AtomicFile.WriteAllBytes(Path.Combine(_directory, "exit.json"), "{}"u8, durable: false));
        Assert.True(watch.WaitForChange(Long));
        writer.Wait();
        // Every change so far was consumed: the next wait starts from nothing.
        Assert.False(watch.WaitForChange(0));
    }

    [Fact]
    public void WakesWhenTheDirectoryIsRemoved()
    {
        File.WriteAllText(Path.Combine(_directory, "state.json"), "{}");
        using var watch = DirectoryWatch.TryOpen(_directory)!;
        Assert.NotNull(watch);

        var remover = Task.Run(() => Directory.Delete(_directory, recursive: true));
        Assert.True(watch.WaitForChange(Long));
        remover.Wait();
    }

    [Fact]
    public void ThereIsNoWatchOnADirectoryThatIsGone() =>
        Assert.Null(DirectoryWatch.TryOpen(Path.Combine(_directory, "gone")));
}
