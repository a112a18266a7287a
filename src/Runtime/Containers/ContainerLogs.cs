using System.Runtime.CompilerServices;
using System.Text.Json;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers;

/// <summary>Which log lines to read: the last <see cref="Tail"/>, those at or after <see cref="Since"/>, and whether to keep following.</summary>
public sealed record ContainerLogOptions
{
    public int? Tail { get; init; }
    public DateTimeOffset? Since { get; init; }
    /// <summary>Keep reading new lines until the container exits (or the enumeration is cancelled).</summary>
    public bool Follow { get; init; }
}

/// <summary>One line a container wrote; <see cref="Text"/> keeps its newline, as Docker's log records do.</summary>
public sealed record ContainerLogEntry(DateTimeOffset Time, string Stream, string Text)
{
    public string Format(bool timestamps) => timestamps ? $"{LogRecord.FormatTime(Time)} {Text}" : Text;
    public override string ToString() => Text.TrimEnd('\n');
}

public sealed partial class ContainerStore
{
    /// <summary>
    /// The container's output from container.log. With <see cref="ContainerLogOptions.Follow"/> the enumeration
    /// waits for new lines and ends once the container has exited and every line is read, or when cancelled.
    /// </summary>
    public IEnumerable<ContainerLogEntry> Logs(string idOrName, ContainerLogOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ContainerLogOptions();
        var container = Resolve(idOrName);
        return ReadLog(container, options, cancellationToken);
    }

    /// <summary>Streams the output of the container's current run as it is written, until it exits (Start-Container -Attach).</summary>
    public IEnumerable<ContainerLogEntry> Attach(string idOrName, CancellationToken cancellationToken = default)
    {
        var container = Resolve(idOrName);
        return ReadLog(container, new ContainerLogOptions { Follow = true, Since = container.State.StartedAt }, cancellationToken);
    }

    private IEnumerable<ContainerLogEntry> ReadLog(Container container, ContainerLogOptions options, CancellationToken cancellationToken)
    {
        var path = container.Paths.LogFile;
        FileStream? stream = null;
        var pending = new List<byte>();
        var buffer = new byte[16 * 1024];

        IEnumerable<ContainerLogEntry> ReadAvailable()
        {
            // -LogMaxSize: ctmon renamed the file we read to container.log.1 (what it wrote there before is read): go on in the new one.
            if (stream is not null && Rotated(stream, path))
            {
                foreach (var entry in Drain()) yield return entry;
                stream.Dispose();
                stream = null;
                pending.Clear();
            }
            if (stream is null)
            {
                if (!File.Exists(path)) yield break;
                try { stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete); }
                catch (FileNotFoundException) { yield break; }
            }
            foreach (var entry in Drain()) yield return entry;
        }

        IEnumerable<ContainerLogEntry> Drain()
        {
            int n;
            while ((n = stream!.Read(buffer, 0, buffer.Length)) > 0)
            {
                var start = 0;
                for (var i = 0; i < n; i++)
                {
                    if (buffer[i] != (byte)'\n') continue;
                    pending.AddRange(new ArraySegment<byte>(buffer, start, i - start));
                    var entry = Parse(pending);
                    pending.Clear();
                    start = i + 1;
                    if (entry is not null && (options.Since is null || entry.Time >= options.Since)) yield return entry;
                }
                // A record still being written: keep its start until the rest arrives.
                pending.AddRange(new ArraySegment<byte>(buffer, start, n - start));
            }
        }

        try
        {
            var initial = ReadRotated(container).Where(e => options.Since is null || e.Time >= options.Since).Concat(ReadAvailable()).ToList();
            if (options.Tail is { } tail) initial = initial.Skip(Math.Max(0, initial.Count - tail)).ToList();
            foreach (var entry in initial) yield return entry;
            if (!options.Follow) yield break;
            // Short containers end within a few milliseconds: poll fast at first, then back off to 50 ms while idle.
            var delay = 2;
            while (!cancellationToken.IsCancellationRequested)
            {
                var running = TryGet(container.Id) is { Status: ContainerStatus.Running or ContainerStatus.Paused };
                // Read after checking: once the monitor's exit is merged, every line it will ever write is in the file.
                var any = false;
                foreach (var entry in ReadAvailable())
                {
                    any = true;
                    yield return entry;
                }
                if (!running) yield break;
                delay = any ? 2 : Math.Min(delay * 2, 50);
                cancellationToken.WaitHandle.WaitOne(delay);
            }
        }
        finally
        {
            stream?.Dispose();
        }
    }

    /// <summary>The rotated files (container.log.N, oldest first, down to .1): whole records only.</summary>
    private static IEnumerable<ContainerLogEntry> ReadRotated(Container container)
    {
        for (var i = container.Definition.LogMaxFiles - 1; i >= 1; i--)
        {
            string[] lines;
            try { lines = File.ReadAllLines($"{container.Paths.LogFile}.{i}"); }
            catch (FileNotFoundException) { continue; }
            foreach (var line in lines)
            {
                if (Parse([.. System.Text.Encoding.UTF8.GetBytes(line)]) is { } entry) yield return entry;
            }
        }
    }

    private static bool Rotated(FileStream stream, string path)
    {
        try
        {
            var target = File.ResolveLinkTarget($"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}", returnFinalTarget: false);
            return target is not null && target.FullName != path;
        }
        catch (IOException) { return false; }
    }

    private static ContainerLogEntry? Parse(List<byte> line)
    {
        if (line.Count == 0) return null;
        try
        {
            var record = JsonSerializer.Deserialize(line.ToArray(), ContainerStateJson.Default.LogRecord);
            return record is null ? null : new ContainerLogEntry(record.Timestamp, record.Stream, record.Log);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return null;
        }
    }
}
