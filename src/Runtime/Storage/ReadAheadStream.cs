using System.Runtime.ExceptionServices;

namespace ContainerTools.Runtime.Storage;

/// <summary>
/// Reads its inner stream on a thread of its own, a few chunks ahead of the caller: decompressing a layer then runs
/// on one core while unpacking it runs on another. A failure of the inner stream surfaces where its bytes would have;
/// disposing stops the reader thread (after the read it is in, if any).
/// </summary>
public sealed class ReadAheadStream : ReadOnlyForwardStream
{
    private readonly Stream _inner;
    private readonly int _chunkSize;
    private readonly int _depth;
    private readonly Queue<(byte[] Buffer, int Length)> _ready = new();
    private readonly Stack<byte[]> _free = new();
    private readonly object _gate = new();
    private readonly Thread _reader;
    private ExceptionDispatchInfo? _failure;
    private bool _ended;
    private bool _stopped;
    private byte[]? _current;
    private int _currentLength;
    private int _currentOffset;

    public ReadAheadStream(Stream inner, int chunkSize = 1 << 20, int depth = 4)
    {
        _inner = inner;
        _chunkSize = chunkSize;
        _depth = depth;
        _reader = new Thread(ReadAhead) { IsBackground = true, Name = "read ahead" };
        _reader.Start();
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }
        if (_current is null || _currentOffset == _currentLength)
        {
            lock (_gate)
            {
                if (_current is not null)
                {
                    _free.Push(_current);
                    _current = null;
                    Monitor.PulseAll(_gate);
                }
                while (_ready.Count == 0 && !_ended && _failure is null)
                {
                    Monitor.Wait(_gate);
                }
                if (_ready.Count == 0)
                {
                    _failure?.Throw();
                    return 0;
                }
                (_current, _currentLength) = _ready.Dequeue();
                _currentOffset = 0;
            }
        }
        var n = Math.Min(buffer.Length, _currentLength - _currentOffset);
        _current.AsSpan(_currentOffset, n).CopyTo(buffer);
        _currentOffset += n;
        return n;
    }

    private void ReadAhead()
    {
        try
        {
            while (true)
            {
                byte[] buffer;
                lock (_gate)
                {
                    while (_free.Count == 0 && _ready.Count >= _depth && !_stopped)
                    {
                        Monitor.Wait(_gate);
                    }
                    if (_stopped)
                    {
                        return;
                    }
                    buffer = _free.Count > 0 ? _free.Pop() : new byte[_chunkSize];
                }
                var length = 0;
                while (length < buffer.Length)
                {
                    var n = _inner.Read(buffer, length, buffer.Length - length);
                    if (n == 0)
                    {
                        break;
                    }
                    length += n;
                }
                lock (_gate)
                {
                    if (length > 0)
                    {
                        _ready.Enqueue((buffer, length));
                    }
                    if (length < buffer.Length)
                    {
                        _ended = true;
                    }
                    Monitor.PulseAll(_gate);
                    if (_ended)
                    {
                        return;
                    }
                }
            }
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                _failure = ExceptionDispatchInfo.Capture(ex);
                Monitor.PulseAll(_gate);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                _stopped = true;
                Monitor.PulseAll(_gate);
            }
            _reader.Join();
        }
        base.Dispose(disposing);
    }
}
