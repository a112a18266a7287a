using System.Text;
using System.Text.Json;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Events;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Containers.State;

namespace ContainerTools.Tests.Runtime;

/// <summary>
/// ctmon writes started.json, exit.json, container.log and its events with Utf8JsonWriter and reads state.json with
/// JsonDocument (MonitorFileJson, no serializer metadata in the NativeAOT monitor): byte for byte what the
/// source-generated contexts the engine reads them with would write, and read as they would read.
/// </summary>
public sealed class MonitorFileJsonTests
{
    private static readonly DateTimeOffset Time = new(2026, 12, 3, 12, 14, 45, 545, TimeSpan.Zero);

    // Quotes, backslashes, control characters, HTML-sensitive and non-ASCII text: what the default escaping changes.
    private const string AwkwardText = "say \"hi\"\\n\t<b>&'+` caf\u00e9 \u65e5\u672c \ud83d\ude00 \u0001\n";

    public static TheoryData<MonitorStartedRecord> StartedRecords() =>
    [
        new MonitorStartedRecord { Pid = 3151, MonitorPid = 3129, MonitorStartTime = 5653962, StartedAt = Time },
        new MonitorStartedRecord { MonitorPid = int.MaxValue, MonitorStartTime = long.MaxValue, StartedAt = Time.ToOffset(TimeSpan.FromHours(-5)), RestartCount = 3, Restarting = true, LastExitCode = 137 },
    ];

    [Theory]
    [MemberData(nameof(StartedRecords))]
    public void StartedJsonIsWhatTheSerializerWrites(MonitorStartedRecord started) =>
        Assert.Equal(JsonSerializer.Serialize(started, ContainerStateJson.Default.MonitorStartedRecord), Encoding.UTF8.GetString(MonitorFileJson.Write(started)));

    public static TheoryData<MonitorExitRecord> ExitRecords() =>
    [
        new MonitorExitRecord { ExitCode = 0, FinishedAt = Time },
        new MonitorExitRecord { ExitCode = 137, Signal = 9, OomKilled = true, FinishedAt = Time.AddTicks(1), Error = AwkwardText, RestartCount = 2 },
    ];

    [Theory]
    [MemberData(nameof(ExitRecords))]
    public void ExitJsonIsWhatTheSerializerWrites(MonitorExitRecord exit) =>
        Assert.Equal(JsonSerializer.Serialize(exit, ContainerStateJson.Default.MonitorExitRecord), Encoding.UTF8.GetString(MonitorFileJson.Write(exit)));

    [Theory]
    [InlineData("hello\n")]
    [InlineData(AwkwardText)]
    [InlineData("")]
    public void LogLinesAreWhatTheSerializerWrites(string text)
    {
        var record = new LogRecord { Log = text, Stream = "stderr", Time = LogRecord.FormatTime(Time) };

        Assert.Equal(JsonSerializer.Serialize(record, MonitorStateJson.Default.LogRecord), Encoding.UTF8.GetString(MonitorFileJson.Write(record)));
    }

    [Fact]
    public void EventLinesAreWhatTheSerializerWrites()
    {
        var die = ContainerEvent.For(new string('a', 64), "web", "busybox:latest", ContainerEventActions.Die, new() { ["exitCode"] = "3", ["note"] = AwkwardText }) with { Time = Time };
        var start = ContainerEvent.For(new string('b', 64), AwkwardText, "", ContainerEventActions.Start) with { Time = Time };

        foreach (var e in new[] { die, start })
        {
            Assert.Equal(JsonSerializer.Serialize(e, ContainerEventJson.Default.ContainerEvent), Encoding.UTF8.GetString(ContainerEvents.Serialize(e)));
        }
    }

    [Fact]
    public void EveryStatusTheEngineWritesReadsBack()
    {
        foreach (var status in Enum.GetValues<ContainerStatus>())
        {
            using var document = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(new ContainerRuntimeState { Status = status }, ContainerStateJson.Default.ContainerRuntimeState));

            Assert.Equal(status, MonitorFileJson.ReadState(document.RootElement).Status);
        }
    }

    [Fact]
    public void MissingPropertiesReadAsTheRecordsDefaults()
    {
        // (The serializer sets a missing init-only property to null; the engine writes every one of them.)
        using var document = JsonDocument.Parse("""{"id":"x","unknown":[1,{"a":null}]}""");
        var container = MonitorFileJson.ReadContainer(document.RootElement);
        var state = MonitorFileJson.ReadState(document.RootElement);

        Assert.Equal(("x", "", "", false, false, false, 0),
            (container.Id, container.Name, container.Image, container.Interactive, container.Tty, container.AutoRemove, container.ConnectedNetworks.Count));
        Assert.Equal((ContainerStatus.Created, 0, null, false), (state.Status, state.MonitorPid, state.Cgroup, state.StoppedByUser));
    }

    [Theory]
    [InlineData("""{"id":3}""")]
    [InlineData("""{"name":"no id"}""")]
    [InlineData("""{"id":"x","tty":"yes"}""")]
    [InlineData("""[1]""")]
    [InlineData("""{"id":""")]
    public void AFileOfTheWrongShapeIsInvalidContainerState(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ct-monitor-json-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            var error = Assert.Throws<ContainerToolsException>(() => StateFiles.Read(path, MonitorFileJson.ReadContainer));

            Assert.Equal(ErrorIds.InvalidContainerState.Name, error.ErrorId);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AMissingOrEmptyFileIsNoValue()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ct-monitor-json-{Guid.NewGuid():N}.json");
        Assert.Null(StateFiles.Read(path, MonitorFileJson.ReadState));
        File.WriteAllText(path, "");
        try { Assert.Null(StateFiles.Read(path, MonitorFileJson.ReadState)); }
        finally { File.Delete(path); }
    }
}

/// <summary>ProcStat reads field 22 of /proc/PID/stat, after the command name (which may hold spaces and parentheses).</summary>
public sealed class ProcStatTests
{
    [Fact]
    public void ItReadsTheStartTimeThatFieldSplittingFinds()
    {
        var text = File.ReadAllText($"/proc/{Environment.ProcessId}/stat");
        var expected = long.Parse(text[(text.LastIndexOf(')') + 2)..].Split(' ')[19]);

        Assert.Equal(expected, ProcStat.StartTime(Environment.ProcessId));
    }

    [Theory]
    [InlineData("77 (a) b) c) S 1 77 77 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 123456 1000 10 0\n", 123456L)]
    [InlineData("77 (x) Z 1 77 77 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 123456 1000 10 0\n", null)]
    [InlineData("77 (x) R 1 77 77 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0\n", null)]
    [InlineData("77 (x) R 1 77 77 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 98765", 98765L)]
    [InlineData("77 no parenthesis", null)]
    public void ItReadsAFakeProcFile(string stat, long? expected)
    {
        var root = Path.Combine(Path.GetTempPath(), $"ct-procstat-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(root, "77"));
        File.WriteAllText(Path.Combine(root, "77", "stat"), stat);
        try
        {
            Assert.Equal(expected, ProcStat.StartTime(77, root));
            Assert.Null(ProcStat.StartTime(78, root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
