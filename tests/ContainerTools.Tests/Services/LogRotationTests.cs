using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Events;
using ContainerTools.Runtime.Containers;
using ContainerTools.Tests.Lifecycle;

namespace ContainerTools.Tests.Services;

/// <summary>-LogMaxSize and -LogMaxFiles (json-file's max-size and max-file), and events.jsonl's rotation.</summary>
public sealed class LogRotationTests : IDisposable
{
    private readonly ContainerHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void FiveMegabytesOfOutputKeepAboutTwoHundredKilobytesAndTailStillWorks()
    {
        var container = _host.Run(new ContainerCreateOptions
        {
            Image = "busybox",
            Network = "none",
            LogMaxSize = 100 * 1024,
            LogMaxFiles = 2,
            Command = ["sh", "-c", "yes 0123456789012345678901234567890123456789 | head -c 5000000; echo; echo last line"],
        });
        Assert.Equal(0, _host.Store.Wait(container.Id, TimeSpan.FromSeconds(120)));

        var log = container.Paths.LogFile;
        var kept = new FileInfo(log).Length + new FileInfo(log + ".1").Length;
        Assert.InRange(kept, 100 * 1024, 200 * 1024);
        Assert.False(File.Exists(log + ".2"));

        // 5,000,000 bytes of 41-byte lines end with 9 bytes of one, which the echo ends.
        var tail = _host.Store.Logs(container.Id, new ContainerLogOptions { Tail = 2 }).ToList();
        Assert.Equal(["012345678\n", "last line\n"], tail.Select(e => e.Text));
        var all = _host.Store.Logs(container.Id).ToList();
        Assert.True(all.Count > 900, $"{all.Count} lines"); // records of about 110 bytes
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Time <= p.Second.Time));
        Assert.Equal("last line\n", all[^1].Text);
    }

    [Fact]
    public void LogOptionsWithoutASizeAreRefused()
    {
        var error = Assert.Throws<ContainerToolsException>(() => _host.Store.Create(new ContainerCreateOptions { Image = "busybox", Command = ["true"], LogMaxFiles = 3 }));
        Assert.Equal(ErrorIds.InvalidLogOptions.Name, error.ErrorId);
    }

    [Fact]
    public void EventsRotateIntoOneOlderFileAndReadAcrossBoth()
    {
        var events = new ContainerEvents(Path.Combine(_host.RootPath, "events-rotation")) { MaxBytes = 4096 };
        for (var i = 0; i < 100; i++) events.Append(new ContainerEvent { Action = "exec", Id = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.True(File.Exists(events.RotatedPath));
        Assert.True(new FileInfo(events.Path).Length <= 4096);
        var read = events.Read();
        // Only the last two files' worth remain, in order, ending with the newest.
        Assert.InRange(read.Count, 10, 99);
        Assert.Equal("99", read[^1].Id);
        var ids = read.Select(e => int.Parse(e.Id, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(ids[0], ids.Count), ids);
    }
}
