using System.Runtime.ExceptionServices;
using Microsoft.Win32.SafeHandles;

namespace ContainerTools.Runtime.Storage;

/// <summary>
/// Stages a blob from a forward-only source on a thread of its own (hashed, cut off past the expected size, verified,
/// flushed to disk) while the caller reads the same bytes back from the staging file as they land. A layer is thus
/// stored and unpacked from a single read of its source, and the download never waits for the unpacking: the file is
/// the buffer. The reader reaches its end only once the whole blob is verified; if the source fails or does not match,
/// the reader throws that failure. Nothing here is visible to the store: the file lives in a staging directory.
/// </summary>
public sealed class StreamingBlobStage : IDisposable
{
    private const int ChunkSize = 1 << 20;

    private readonly Func<Stream> _open;
    private readonly string? _expectedDigest;
    private readonly long? _expectedSize;
    private readonly CancellationTokenSource _cancel;
    private readonly Thread _writer;
    private readonly object _gate = new();
    private long _written;
    private bool _verified;
    private ExceptionDispatchInfo? _failure;
    private StagedBlob? _result;

    private StreamingBlobStage(Func<Stream> open, string path, string? expectedDigest, long? expectedSize, CancellationToken cancellationToken)
    {
        _open = open;
        Path = path;
        _expectedDigest = expectedDigest;
        _expectedSize = expectedSize;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _writer = new Thread(Write) { IsBackground = true, Name = "blob stage" };
    }

    /// <summary>The staging file (blob-GUID under the staging directory).</summary>
    public string Path { get; }

    /// <summary>Starts copying <paramref name="open"/>'s stream (opened on the writer thread) into a new staging file.</summary>
    public static StreamingBlobStage Start(Func<Stream> open, string stagingDirectory, string? expectedDigest, long? expectedSize, CancellationToken cancellationToken)
    {
        if (expectedDigest is not null)
        {
            Oci.Digest.Hex(expectedDigest);
        }
        Directory.CreateDirectory(stagingDirectory);
        var stage = new StreamingBlobStage(open, System.IO.Path.Combine(stagingDirectory, $"blob-{Guid.NewGuid():N}"), expectedDigest, expectedSize, cancellationToken);
        // Created here, so a reader may open it at once.
        File.OpenHandle(stage.Path, FileMode.CreateNew, FileAccess.Write).Dispose();
        stage._writer.Start();
        return stage;
    }

    /// <summary>A stream of the blob's bytes as they are written; it ends once all of them are in and verified.</summary>
    public Stream OpenReader() => new Follower(this, File.OpenHandle(Path, FileMode.Open, FileAccess.Read));

    /// <summary>Waits for the writer: the verified blob, flushed to disk; or the failure of its source or its check.</summary>
    public StagedBlob Finish()
    {
        _writer.Join();
        _failure?.Throw();
        return _result!;
    }

    /// <summary>Waits for the writer to finish on its own (a reader that gave up early still learns whether the blob
    /// itself was bad) and throws its failure if it had one.</summary>
    public void ThrowIfSourceFailed()
    {
        _writer.Join();
        _failure?.Throw();
    }

    /// <summary>
    /// Stops the writer if it is still copying (a writer that already verified the blob is let finish flushing it) and
    /// returns the verified blob, or null.
    /// </summary>
    public StagedBlob? StopAndGetVerified()
    {
        if (_writer.IsAlive)
        {
            _cancel.Cancel();
            _writer.Join();
        }
        return _result;
    }

    /// <summary>Stops the writer and, unless the blob was verified, deletes the staging file.</summary>
    public void Dispose()
    {
        if (StopAndGetVerified() is null)
        {
            try { File.Delete(Path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        _cancel.Dispose();
    }

    private void Write()
    {
        var token = _cancel.Token;
        try
        {
            using var source = _open();
            // A source blocked in a read (a network body) does not watch our token; closing it under the read ends the wait.
            using var abort = token.Register(source.Dispose);
            using var hashing = new HashingStream(source, leaveOpen: true);
            using var file = new FileStream(Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            var buffer = new byte[ChunkSize];
            int n;
            while ((n = hashing.Read(buffer, 0, buffer.Length)) > 0)
            {
                token.ThrowIfCancellationRequested();
                file.Write(buffer, 0, n);
                lock (_gate)
                {
                    _written += n;
                    Monitor.PulseAll(_gate);
                }
                if (_expectedSize is { } limit && hashing.BytesRead > limit)
                {
                    break;
                }
            }
            var size = hashing.BytesRead;
            var digest = hashing.Digest;
            if (_expectedSize is { } expected && size != expected)
            {
                throw BlobStore.Mismatch(_expectedDigest ?? digest, $"it is {size} bytes long, expected {expected}");
            }
            if (_expectedDigest is not null && digest != _expectedDigest)
            {
                throw BlobStore.Mismatch(_expectedDigest, $"its content hashes to {digest}");
            }
            lock (_gate)
            {
                _verified = true;
                Monitor.PulseAll(_gate);
            }
            // While the reader finishes (it usually lags behind the source), the blob goes to disk.
            file.Flush(flushToDisk: true);
            _result = new StagedBlob(digest, size, Path);
        }
        catch (Exception ex)
        {
            if (token.IsCancellationRequested && ex is not OperationCanceledException)
            {
                ex = new OperationCanceledException("The blob stage was stopped.", ex, token);
            }
            lock (_gate)
            {
                _failure = ExceptionDispatchInfo.Capture(ex);
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Reads <paramref name="position"/>.. of the staging file, waiting for the writer when it is ahead; 0 at the verified end.</summary>
    private int ReadAt(SafeFileHandle handle, long position, Span<byte> buffer)
    {
        long available;
        lock (_gate)
        {
            while (position >= _written && !_verified && _failure is null)
            {
                Monitor.Wait(_gate, 250);
                _cancel.Token.ThrowIfCancellationRequested();
            }
            _failure?.Throw();
            available = _written - position;
        }
        if (available <= 0 || buffer.Length == 0)
        {
            return 0;
        }
        return RandomAccess.Read(handle, buffer[..(int)Math.Min(buffer.Length, available)], position);
    }

    /// <summary>Reads the staging file in large pieces (decompressors ask for a few KiB at a time).</summary>
    private sealed class Follower(StreamingBlobStage stage, SafeFileHandle handle) : ReadOnlyForwardStream
    {
        private readonly byte[] _buffer = new byte[256 << 10];
        private long _filePosition;
        private long _position;
        private int _offset;
        private int _length;

        public override int Read(Span<byte> buffer)
        {
            if (buffer.Length == 0)
            {
                return 0;
            }
            if (_offset == _length)
            {
                _length = stage.ReadAt(handle, _filePosition, _buffer);
                _offset = 0;
                _filePosition += _length;
                if (_length == 0)
                {
                    return 0;
                }
            }
            var n = Math.Min(buffer.Length, _length - _offset);
            _buffer.AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            _position += n;
            return n;
        }

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                handle.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
