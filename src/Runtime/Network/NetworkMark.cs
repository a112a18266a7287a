using System.Text;
using System.Text.RegularExpressions;

namespace ContainerTools.Runtime.Network;

/// <summary>
/// The mark a network's host objects carry, so that what a store made can be found again when nothing else remembers
/// it (a store directory deleted by hand): "containertools network NAME ct-0123456789ab store /STORE/PATH", as the
/// bridge's alias (IFLA_IFALIAS) and as the comment of every iptables rule the engine writes. The store's path is
/// percent-encoded outside a plain alphabet (no quotes or spaces in an iptables comment), and left out when the whole
/// mark would pass the 255 bytes both limits allow: such a network is still found through its bridge's name.
/// </summary>
public sealed partial record NetworkMark(string NetworkName, string Bridge, string? StorePath)
{
    private const int Limit = 255;

    public static NetworkMark For(ContainerNetwork network, string storePath) => new(network.Name, network.Bridge, storePath);

    /// <summary>The 12 hex digits after "ct-": what the network's chains are named by.</summary>
    public string BridgeId => Bridge[3..];

    public string Text
    {
        get
        {
            var withoutStore = $"containertools network {NetworkName} {Bridge}";
            if (StorePath is null)
            {
                return withoutStore;
            }
            var full = $"{withoutStore} store {Encode(StorePath)}";
            return Encoding.UTF8.GetByteCount(full) <= Limit ? full : withoutStore;
        }
    }

    /// <summary>The mark in an alias or rule comment; null for anything else (another program's text).</summary>
    public static NetworkMark? TryParse(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var match = MarkPattern().Match(text);
        if (!match.Success)
        {
            return null;
        }
        var store = match.Groups["store"];
        return new NetworkMark(match.Groups["name"].Value, match.Groups["bridge"].Value, store.Success ? Decode(store.Value) : null);
    }

    [GeneratedRegex(@"^containertools network (?<name>[A-Za-z0-9][A-Za-z0-9_.-]{0,63}) (?<bridge>ct-[0-9a-f]{12})(?: store (?<store>/\S*))?$")]
    private static partial Regex MarkPattern();

    private static string Encode(string path)
    {
        var text = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(path))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+' or ',' or ':' or '=' or '@' or '~')
            {
                text.Append(c);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2"));
            }
        }
        return text.ToString();
    }

    private static string Decode(string text)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && byte.TryParse(text.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
