using System.Formats.Tar;
using System.Text;

namespace ContainerTools.Runtime.Layers;

/// <summary>
/// The SCHILY.xattr.* records of an entry with their exact value bytes. System.Formats.Tar decodes PAX values as
/// UTF-8 strings, which mangles binary values such as security.capability, so the records are re-read from the raw
/// header blocks the reader just consumed; the decoded strings are the fallback.
/// </summary>
internal static class PaxXattrs
{
    private const string Prefix = "SCHILY.xattr.";
    private const int Block = 512;

    public static List<(string Name, byte[] Value)>? Read(TarEntry entry, HashingReadStream tar)
    {
        if (entry is not PaxTarEntry pax)
        {
            return null;
        }
        List<(string, byte[])>? found = null;
        foreach (var (key, value) in pax.ExtendedAttributes)
        {
            if (key.StartsWith(Prefix, StringComparison.Ordinal))
            {
                (found ??= new()).Add((key[Prefix.Length..], Encoding.UTF8.GetBytes(value)));
            }
        }
        if (found is null || tar.CaptureOverflowed)
        {
            return found;
        }
        var raw = FromRawHeaders(tar.Captured, tar.CaptureStartPosition);
        return raw is { Count: > 0 } && raw.Count == found.Count ? raw : found;
    }

    private static List<(string, byte[])>? FromRawHeaders(ReadOnlySpan<byte> captured, long startPosition)
    {
        var offset = (int)((Block - startPosition % Block) % Block);
        List<(string, byte[])>? result = null;
        while (offset + Block <= captured.Length)
        {
            var header = captured.Slice(offset, Block);
            var type = (char)header[156];
            if (!TryParseSize(header.Slice(124, 12), out var size) || offset + Block + size > captured.Length)
            {
                return result;
            }
            var data = captured.Slice(offset + Block, (int)size);
            if (type == 'x')
            {
                result = ParseRecords(data);
            }
            else if (type != 'g' && type != 'L' && type != 'K')
            {
                return result;
            }
            offset += Block + (int)((size + Block - 1) / Block * Block);
        }
        return result;
    }

    /// <summary>PAX records: "LEN key=value\n", LEN counting the whole record in bytes.</summary>
    private static List<(string, byte[])>? ParseRecords(ReadOnlySpan<byte> data)
    {
        var result = new List<(string, byte[])>();
        while (data.Length > 0)
        {
            var space = data.IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(Encoding.ASCII.GetString(data[..space]), out var length) ||
                length <= space + 1 || length > data.Length || data[length - 1] != (byte)'\n')
            {
                return null;
            }
            var record = data[(space + 1)..(length - 1)];
            var equals = record.IndexOf((byte)'=');
            if (equals < 0)
            {
                return null;
            }
            var key = Encoding.UTF8.GetString(record[..equals]);
            if (key.StartsWith(Prefix, StringComparison.Ordinal))
            {
                result.Add((key[Prefix.Length..], record[(equals + 1)..].ToArray()));
            }
            data = data[length..];
        }
        return result;
    }

    private static bool TryParseSize(ReadOnlySpan<byte> field, out long size)
    {
        size = 0;
        if ((field[0] & 0x80) != 0)
        {
            for (var i = 1; i < field.Length; i++)
            {
                size = (size << 8) | field[i];
            }
            return size >= 0;
        }
        foreach (var b in field)
        {
            if (b == 0 || b == ' ')
            {
                if (size > 0) { break; }
                continue;
            }
            if (b < '0' || b > '7')
            {
                return false;
            }
            size = size * 8 + (b - '0');
        }
        return true;
    }
}
