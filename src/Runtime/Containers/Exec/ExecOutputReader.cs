using System.Text;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Runtime.Containers.Exec;

/// <summary>
/// Reads an exec'd process's stdout and stderr as lines, on the calling thread, in the order they become readable:
/// one poll loop instead of a reader thread per stream and a queue between them, which on a busy machine costs a
/// scheduling round trip per hand-off. Ends when both streams reach end-of-file.
/// </summary>
internal sealed class ExecOutputReader
{
    /// <summary>How often a quiet wait looks at the cancellation token.</summary>
    private const int CancellationCheckMs = 200;

    private readonly int[] _fds;
    private readonly StreamLines[] _streams = [new(isError: false), new(isError: true)];

    public ExecOutputReader(int stdoutFd, int stderrFd) => _fds = [stdoutFd, stderrFd];

    public IEnumerable<ExecOutputLine> ReadLines(CancellationToken cancellation)
    {
        var buffer = new byte[64 * 1024];
        var ready = new bool[2];
        while (_fds[0] >= 0 || _fds[1] >= 0)
        {
            cancellation.ThrowIfCancellationRequested();
            if (!Polling.WaitReadable(_fds, ready, CancellationCheckMs)) continue;
            for (var i = 0; i < 2; i++)
            {
                if (!ready[i] || _fds[i] < 0) continue;
                var read = FileDescriptors.Read(_fds[i], buffer);
                if (read == 0)
                {
                    _fds[i] = -1; // the caller still owns and closes the fd
                    if (_streams[i].Flush() is { } last) yield return last;
                    continue;
                }
                foreach (var line in _streams[i].Append(buffer.AsSpan(0, read))) yield return line;
            }
        }
    }

    /// <summary>Splits one stream's bytes into lines; a line break split across reads (or UTF-8 across reads) is fine.</summary>
    private sealed class StreamLines(bool isError)
    {
        private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
        private readonly StringBuilder _pending = new();

        public List<ExecOutputLine> Append(ReadOnlySpan<byte> bytes)
        {
            var chars = new char[_decoder.GetCharCount(bytes, flush: false)];
            _decoder.GetChars(bytes, chars, flush: false);
            var lines = new List<ExecOutputLine>();
            var start = 0;
            for (var i = 0; i < chars.Length; i++)
            {
                if (chars[i] != '\n') continue;
                _pending.Append(chars, start, i - start);
                lines.Add(Take());
                start = i + 1;
            }
            _pending.Append(chars, start, chars.Length - start);
            return lines;
        }

        public ExecOutputLine? Flush()
        {
            var rest = new char[_decoder.GetCharCount([], flush: true)];
            _decoder.GetChars([], rest, flush: true);
            _pending.Append(rest);
            return _pending.Length == 0 ? null : Take();
        }

        /// <summary>The pending line, without a trailing CR (CRLF output reads like StreamReader.ReadLine's).</summary>
        private ExecOutputLine Take()
        {
            if (_pending.Length > 0 && _pending[^1] == '\r') _pending.Length--;
            var text = _pending.ToString();
            _pending.Clear();
            return new ExecOutputLine(isError, text);
        }
    }
}
