using ContainerTools.OciRuntime.Linux;
using System.Text;
using ContainerTools.OciRuntime.Attach;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Monitor;

/// <summary>
/// container.log in Docker's json-file format: one {"log","stream","time"} object per line, appended and flushed
/// record by record so followers see output as it comes.
/// </summary>
internal sealed class ContainerLog : IDisposable
{
    // Docker splits longer lines into several records; so do we, and the last piece carries no newline.
    private const int MaxRecord = 16 * 1024;
    private readonly string _path;
    private readonly long _maxSize;
    private readonly int _maxFiles;
    private readonly object _gate = new();
    private FileStream _file;
    private long _size;
    private bool _closed;

    /// <summary>
    /// <paramref name="maxSize"/> (0: no limit) and <paramref name="maxFiles"/> are json-file's max-size and max-file:
    /// before a record would take the file past the size, it becomes container.log.1 (the older ones move up one, and
    /// the oldest beyond max-file goes) and a new container.log begins.
    /// </summary>
    public ContainerLog(string path, long maxSize = 0, int maxFiles = 1)
    {
        _path = path;
        _maxSize = maxSize;
        _maxFiles = Math.Max(1, maxFiles);
        _file = Open(path);
        _size = _file.Length;
    }

    private static FileStream Open(string path) =>
        new(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);

    private void Rotate()
    {
        _file.Dispose();
        if (_maxFiles == 1) File.Delete(_path);
        else
        {
            File.Delete($"{_path}.{_maxFiles - 1}");
            for (var i = _maxFiles - 2; i >= 1; i--)
            {
                if (File.Exists($"{_path}.{i}")) File.Move($"{_path}.{i}", $"{_path}.{i + 1}");
            }
            File.Move(_path, $"{_path}.1");
        }
        _file = Open(_path);
        _size = 0;
    }

    /// <summary>Reads <paramref name="fd"/> until end of file, writing one record per line and passing what it read to attached clients.</summary>
    public NativeThread Pump(int fd, string stream, AttachServer? attach = null) =>
        NativeThread.Start(() => PumpLoop(fd, stream, attach), stream);

    private void PumpLoop(int fd, string stream, AttachServer? attach)
    {
        var kind = stream == "stderr" ? AttachProtocol.Stderr : AttachProtocol.Stdout;
        using var input = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0);
        var buffer = new byte[8192];
        var pending = new List<byte>();
        while (true)
        {
            int n;
            try { n = input.Read(buffer, 0, buffer.Length); }
            catch (IOException) { break; }
            if (n == 0) break;
            attach?.Broadcast(kind, buffer.AsSpan(0, n));
            var start = 0;
            for (var i = 0; i < n; i++)
            {
                if (buffer[i] != (byte)'\n') continue;
                pending.AddRange(new ArraySegment<byte>(buffer, start, i + 1 - start));
                Write(stream, pending);
                pending.Clear();
                start = i + 1;
            }
            pending.AddRange(new ArraySegment<byte>(buffer, start, n - start));
            if (pending.Count >= MaxRecord)
            {
                Write(stream, pending);
                pending.Clear();
            }
        }
        if (pending.Count > 0) Write(stream, pending);
    }

    private void Write(string stream, List<byte> text)
    {
        var record = new LogRecord
        {
            Log = Encoding.UTF8.GetString(text.ToArray()),
            Stream = stream,
            Time = LogRecord.FormatTime(DateTimeOffset.UtcNow),
        };
        var line = MonitorFileJson.Write(record);
        lock (_gate)
        {
            // After the container exited the monitor stops waiting for stragglers (a pipe someone kept open) and closes the log.
            if (_closed) return;
            if (_maxSize > 0 && _size > 0 && _size + line.Length + 1 > _maxSize)
            {
                try { Rotate(); }
                catch (IOException) { _file = Open(_path); } // keep logging into the one file rather than lose output
            }
            _file.Write(line);
            _file.WriteByte((byte)'\n');
            _size += line.Length + 1;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            _file.Dispose();
        }
    }
}
