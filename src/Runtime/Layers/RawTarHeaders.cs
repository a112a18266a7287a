namespace ContainerTools.Runtime.Layers;

/// <summary>
/// A walk over the raw header blocks the tar reader consumed for one entry (PAX 'x'/'g' and GNU 'L'/'K' headers
/// with their data, then the entry's own header). System.Formats.Tar does not check header checksums, and only
/// offers PAX values as strings, so both are done here on the captured bytes.
/// </summary>
internal ref struct RawTarHeaders
{
    public const int Block = 512;

    private readonly ReadOnlySpan<byte> _captured;
    private int _offset;
    private bool _done;

    /// <param name="startPosition">Position in the tar of the first captured byte, to find the block boundary.</param>
    public RawTarHeaders(ReadOnlySpan<byte> captured, long startPosition)
    {
        _captured = captured;
        _offset = (int)((Block - startPosition % Block) % Block);
    }

    public char Type { get; private set; }
    public ReadOnlySpan<byte> Header { get; private set; }
    public ReadOnlySpan<byte> Data { get; private set; }

    /// <summary>Moves to the next header; false at the end of what was captured or at an all-zero block.</summary>
    public bool MoveNext()
    {
        if (_done || _offset + Block > _captured.Length)
        {
            return false;
        }
        var header = _captured.Slice(_offset, Block);
        if (!header.ContainsAnyExcept((byte)0))
        {
            return false;
        }
        Header = header;
        Type = (char)header[156];
        var isMeta = Type is 'x' or 'g' or 'L' or 'K';
        if (!isMeta)
        {
            _done = true;
            Data = default;
            return true;
        }
        if (!TryParseNumber(header.Slice(124, 12), out var size) || _offset + Block + size > _captured.Length)
        {
            _done = true;
            Data = default;
            return true;
        }
        Data = _captured.Slice(_offset + Block, (int)size);
        _offset += Block + (int)((size + Block - 1) / Block * Block);
        return true;
    }

    /// <summary>The header's checksum: the sum of its bytes with the checksum field read as spaces (signed, for old tars, too).</summary>
    public static bool ChecksumMatches(ReadOnlySpan<byte> header)
    {
        if (!TryParseNumber(header.Slice(148, 8), out var stored))
        {
            return false;
        }
        long unsigned = 0, signed = 0;
        for (var i = 0; i < Block; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : header[i];
            unsigned += b;
            signed += (sbyte)b;
        }
        return stored == unsigned || stored == signed;
    }

    /// <summary>An octal field (NUL/space padded) or GNU base-256 when the top bit is set.</summary>
    public static bool TryParseNumber(ReadOnlySpan<byte> field, out long value)
    {
        value = 0;
        if ((field[0] & 0x80) != 0)
        {
            value = field[0] & 0x7f;
            for (var i = 1; i < field.Length; i++)
            {
                value = (value << 8) | field[i];
            }
            return value >= 0;
        }
        var seenDigit = false;
        foreach (var b in field)
        {
            if (b is 0 or (byte)' ')
            {
                if (seenDigit) { break; }
                continue;
            }
            if (b < '0' || b > '7')
            {
                return false;
            }
            seenDigit = true;
            value = value * 8 + (b - '0');
        }
        return true;
    }
}
