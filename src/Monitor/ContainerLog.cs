using System.Text;
using System.Text.Json;
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
    private readonly FileStream _file;
    private readonly object _gate = new();
    private bool _closed;

    public ContainerLog(string path)
    {
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
    }

    /// <summary>Reads <paramref name="fd"/> until end of file, writing one record per line and passing what it read to attached clients.</summary>
    public Thread Pump(int fd, string stream, AttachServer? attach = null)
    {
        var thread = new Thread(() => PumpLoop(fd, stream, attach), maxStackSize: 128 * 1024) { IsBackground = true, Name = stream };
        thread.Start();
        return thread;
    }

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
        var line = JsonSerializer.SerializeToUtf8Bytes(record, MonitorStateJson.Default.LogRecord);
        lock (_gate)
        {
            // After the container exited the monitor stops waiting for stragglers (a pipe someone kept open) and closes the log.
            if (_closed) return;
            _file.Write(line);
            _file.WriteByte((byte)'\n');
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
