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

    public static List<(string Name, byte[] Value)>? Read(TarEntry entry, CapturingStream tar)
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
        List<(string, byte[])>? result = null;
        var headers = new RawTarHeaders(captured, startPosition);
        while (headers.MoveNext())
        {
            if (headers.Type == 'x')
            {
                result = ParseRecords(headers.Data);
            }
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
}
