using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Files;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.OciRuntime.Events;

/// <summary>
/// The store's event log, events/events.jsonl: one JSON object per line, appended by the engine's operations and by
/// the monitors. Each line goes out in one write(2) on an O_APPEND descriptor while holding events/events.lock, so
/// lines of concurrent writers never interleave; readers only take complete lines.
/// </summary>
public sealed class ContainerEvents
{
    public const string DirectoryName = "events";
    public const string FileName = "events.jsonl";
    private const int OAppend = 0x400, OCreat = 0x40, OWronly = 1;

    public ContainerEvents(string eventsDirectory) => Directory = eventsDirectory;

    /// <summary>The log of the store at <paramref name="storeRootPath"/>.</summary>
    public static ContainerEvents ForStore(string storeRootPath) => new(System.IO.Path.Combine(storeRootPath, DirectoryName));

    /// <summary>The log of the store a container directory (StoreRoot/containers/ID) belongs to: what the monitor uses.</summary>
    public static ContainerEvents ForContainerDirectory(string containerDirectory) =>
        new(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(containerDirectory))!)!, DirectoryName));

    public string Directory { get; }

    public string Path => System.IO.Path.Combine(Directory, FileName);

    private string LockPath => System.IO.Path.Combine(Directory, "events.lock");

    /// <summary>The previous events file: Append moves events.jsonl here once it passes <see cref="MaxBytes"/>.</summary>
    public string RotatedPath => Path + ".1";

    /// <summary>Past this size (about 50,000 events) the file rotates; one rotated file is kept.</summary>
    public long MaxBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Appends one event. Recording is best effort: a failure never fails the operation it describes.</summary>
    public void Append(ContainerEvent containerEvent)
    {
        try
        {
            var line = Serialize(containerEvent);
            var record = new byte[line.Length + 1];
            line.CopyTo(record, 0);
            record[^1] = (byte)'\n';
            // The lock makes the events directory when it is missing.
            using var appendLock = FileLock.Acquire(LockPath, TimeSpan.FromSeconds(10));
            if (new FileInfo(Path) is { Exists: true } current && current.Length + record.Length > MaxBytes) File.Move(Path, RotatedPath, overwrite: true);
            var fd = FileDescriptors.Open(Path, OWronly | OAppend | OCreat, 0x1a4 /* 0644 */);
            try { FileDescriptors.WriteAll(fd, record); }
            finally { FileDescriptors.Close(fd); }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SystemCallException or OciRuntime.Errors.ContainerToolsException)
        {
        }
    }

    /// <summary>
    /// The event's line as ContainerEventJson writes it, through Utf8JsonWriter alone: every monitor appends events,
    /// and in its NativeAOT process the serializer's first use of a type's metadata costs reflection (see MonitorFileJson).
    /// </summary>
    internal static byte[] Serialize(ContainerEvent containerEvent) => MonitorFileJson.WriteObject(containerEvent, static (writer, e) =>
    {
        writer.WriteString("time", e.Time);
        writer.WriteString("type", e.Type);
        writer.WriteString("action", e.Action);
        writer.WriteString("id", e.Id);
        writer.WriteString("name", e.Name);
        writer.WriteString("image", e.Image);
        if (e.Attributes is null)
        {
            writer.WriteNull("attributes");
            return;
        }
        writer.WriteStartObject("attributes");
        foreach (var (name, value) in e.Attributes) writer.WriteString(name, value);
        writer.WriteEndObject();
    });

    /// <summary>The events recorded so far with <paramref name="since"/> &lt;= time &lt;= <paramref name="until"/>, oldest first.</summary>
    public IReadOnlyList<ContainerEvent> Read(DateTimeOffset? since = null, DateTimeOffset? until = null)
    {
        long rotatedOffset = 0, offset = 0;
        return ReadFrom(RotatedPath, ref rotatedOffset).Concat(ReadFrom(Path, ref offset)).Where(e => InRange(e, since, until)).ToList();
    }

    /// <summary>
    /// The recorded events in range, then new ones as they are appended, until <paramref name="until"/> passes or
    /// <paramref name="cancellationToken"/> is cancelled (then the enumeration just ends).
    /// </summary>
    public IEnumerable<ContainerEvent> Follow(DateTimeOffset? since, DateTimeOffset? until, CancellationToken cancellationToken,
        TimeSpan? pollInterval = null)
    {
        long rotatedOffset = 0, offset = 0;
        var interval = pollInterval ?? TimeSpan.FromMilliseconds(100);
        var first = ReadFrom(RotatedPath, ref rotatedOffset);
        while (!cancellationToken.IsCancellationRequested)
        {
            // Rotated since the last read: what was appended before the move is at the same offset in the rotated file.
            if (offset > 0 && new FileInfo(Path) is var current && (!current.Exists || current.Length < offset))
            {
                first = ReadFrom(RotatedPath, ref offset);
                offset = 0;
            }
            foreach (var e in first.Concat(ReadFrom(Path, ref offset)))
            {
                if (until is not null && e.Time > until) yield break;
                if (InRange(e, since, until)) yield return e;
            }
            first = [];
            if (until is not null && DateTimeOffset.UtcNow > until) yield break;
            cancellationToken.WaitHandle.WaitOne(interval);
        }
    }

    private static bool InRange(ContainerEvent e, DateTimeOffset? since, DateTimeOffset? until) =>
        (since is null || e.Time >= since) && (until is null || e.Time <= until);

    /// <summary>Complete lines from <paramref name="offset"/> on; advances it past them (a partial last line is left for later).</summary>
    private static List<ContainerEvent> ReadFrom(string path, ref long offset)
    {
        var events = new List<ContainerEvent>();
        byte[] bytes;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length <= offset) return events;
            stream.Seek(offset, SeekOrigin.Begin);
            bytes = new byte[stream.Length - offset];
            stream.ReadExactly(bytes);
        }
        catch (FileNotFoundException) { return events; }
        catch (DirectoryNotFoundException) { return events; }
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n') continue;
            var line = new ReadOnlySpan<byte>(bytes, start, i - start);
            start = i + 1;
            try
            {
                if (JsonSerializer.Deserialize(line, ContainerEventJson.Default.ContainerEvent) is { } e) events.Add(e);
            }
            catch (JsonException) { } // a damaged line (a crash mid-write on a full disk) costs only itself
        }
        offset += start;
        return events;
    }
}
