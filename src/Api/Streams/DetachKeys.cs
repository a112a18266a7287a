using ContainerTools.Api.Http;

namespace ContainerTools.Api.Streams;

/// <summary>
/// Docker's detach keys ("ctrl-p,ctrl-q" by default): typed on an attached stdin, they end the attachment and leave the
/// container running. Bytes that only begin the sequence are held until it is clear whether they complete it.
/// </summary>
internal sealed class DetachKeys
{
    public static readonly byte[] Default = [0x10, 0x11];
    private readonly byte[] _sequence;
    private int _matched;

    private DetachKeys(byte[] sequence) => _sequence = sequence;

    /// <summary>"ctrl-p,ctrl-q", "a,ctrl-b"; null or empty is the default; an invalid spec is a 400.</summary>
    public static DetachKeys Parse(string? spec)
    {
        if (string.IsNullOrEmpty(spec)) return new DetachKeys(Default);
        var bytes = new List<byte>();
        foreach (var key in spec.Split(','))
        {
            if (key.Length == 1) bytes.Add((byte)key[0]);
            else if (key.StartsWith("ctrl-", StringComparison.Ordinal) && key.Length == 6 && key[5] is >= '@' and <= '_' or >= 'a' and <= 'z')
                bytes.Add((byte)(char.ToUpperInvariant(key[5]) - '@'));
            else throw ApiException.BadRequest($"Invalid detach keys ({spec}) provided");
        }
        return new DetachKeys(bytes.ToArray());
    }

    /// <summary>The bytes to pass on from <paramref name="input"/>; <paramref name="detach"/> once the sequence is complete (nothing after it is passed).</summary>
    public byte[] Filter(ReadOnlySpan<byte> input, out bool detach)
    {
        detach = false;
        var output = new List<byte>(input.Length);
        foreach (var b in input)
        {
            if (b == _sequence[_matched])
            {
                if (++_matched == _sequence.Length)
                {
                    detach = true;
                    _matched = 0;
                    return output.ToArray();
                }
                continue;
            }
            output.AddRange(_sequence.AsSpan(0, _matched).ToArray());
            _matched = 0;
            if (b == _sequence[0]) _matched = 1;
            else output.Add(b);
        }
        return output.ToArray();
    }
}
