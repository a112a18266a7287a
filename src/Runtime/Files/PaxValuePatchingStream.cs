using System.Text;

namespace ContainerTools.Runtime.Files;

/// <summary>
/// Lets <see cref="System.Formats.Tar.TarWriter"/> carry PAX values that are not UTF-8 text (a binary
/// security.capability, for one). TarWriter only takes strings, so such a value goes in as a placeholder of the same
/// byte length; while armed, this stream holds back what the writer emits for the entry, and on release swaps the
/// real bytes into the PAX record before passing everything on. Record lengths are unchanged and PAX record data is
/// not covered by the header checksum, so nothing else needs fixing.
/// </summary>
internal sealed class PaxValuePatchingStream : Stream
{
    private const int BlockSize = 512;

    private readonly Stream _inner;
    private readonly MemoryStream _held = new();
    private Dictionary<string, byte[]>? _values;

    public PaxValuePatchingStream(Stream inner) => _inner = inner;

    /// <summary>A placeholder TarWriter will encode to exactly as many bytes as <paramref name="value"/>.</summary>
    public static string Placeholder(byte[] value) => new('0', value.Length);

    /// <summary>Holds back output until <see cref="Release"/>, then writes <paramref name="values"/> (PAX key -> bytes) into it.</summary>
    public void Arm(Dictionary<string, byte[]> values)
    {
        _values = values;
        _held.SetLength(0);
    }

    public void Release()
    {
        if (_values is null)
        {
            return;
        }
        var buffer = _held.GetBuffer().AsSpan(0, (int)_held.Length);
        Patch(buffer, _values);
        _values = null;
        _inner.Write(buffer);
        _held.SetLength(0);
    }

    private static void Patch(Span<byte> output, Dictionary<string, byte[]> values)
    {
        if (output.Length < BlockSize || output[156] != (byte)'x')
        {
            throw new InvalidOperationException("The tar writer did not begin the entry with a PAX header.");
        }
        var size = Convert.ToInt64(Encoding.ASCII.GetString(output.Slice(124, 12)).Trim('\0', ' '), 8);
        var data = output.Slice(BlockSize, (int)size);
        var replaced = 0;
        while (data.Length > 0)
        {
            var space = data.IndexOf((byte)' ');
            var length = int.Parse(Encoding.ASCII.GetString(data[..space]));
            var record = data[(space + 1)..(length - 1)];
            var equals = record.IndexOf((byte)'=');
            var key = Encoding.UTF8.GetString(record[..equals]);
            if (values.TryGetValue(key, out var value))
            {
                value.CopyTo(record[(equals + 1)..]);
                replaced++;
            }
            data = data[length..];
        }
        if (replaced != values.Count)
        {
            throw new InvalidOperationException("A binary PAX value was not found in the entry's PAX header.");
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_values is null)
        {
            _inner.Write(buffer);
        }
        else
        {
            _held.Write(buffer);
        }
    }

    public override void Flush() => _inner.Flush();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
