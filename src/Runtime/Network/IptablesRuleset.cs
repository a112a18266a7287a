using System.Text.RegularExpressions;

namespace ContainerTools.Runtime.Network;

/// <summary>The chains and rules of every iptables table, as iptables-save prints them (rules verbatim, so each can be deleted as written).</summary>
internal sealed partial class IptablesRuleset
{
    public sealed record Rule(string Table, string Chain, string Specification)
    {
        /// <summary>The chain or target the rule jumps to (-j), or null.</summary>
        public string? Target => JumpPattern().Match(Specification) is { Success: true } m ? m.Groups[1].Value : null;

        /// <summary>The rule's comment (-m comment --comment), unquoted, or null.</summary>
        public string? Comment => CommentPattern().Match(Specification) is { Success: true } m
            ? m.Groups[1].Success ? Regex.Unescape(m.Groups[1].Value) : m.Groups[2].Value
            : null;
    }

    public List<(string Table, string Chain)> Chains { get; } = [];

    public List<Rule> Rules { get; } = [];

    public static IptablesRuleset Read() => Parse(HostIptables.Save());

    public static IptablesRuleset Parse(string save)
    {
        var ruleset = new IptablesRuleset();
        var table = "";
        foreach (var line in save.Split('\n'))
        {
            if (line.StartsWith('*'))
            {
                table = line[1..].Trim();
            }
            else if (line.StartsWith(':'))
            {
                ruleset.Chains.Add((table, line[1..].Split(' ')[0]));
            }
            else if (line.StartsWith("-A "))
            {
                var rest = line[3..];
                var space = rest.IndexOf(' ');
                ruleset.Rules.Add(new Rule(table, space < 0 ? rest : rest[..space], space < 0 ? "" : rest[(space + 1)..]));
            }
        }
        return ruleset;
    }

    [GeneratedRegex(@"(?:^| )-j (\S+)")]
    private static partial Regex JumpPattern();

    [GeneratedRegex(@"--comment (?:""((?:[^""\\]|\\.)*)""|(\S+))")]
    private static partial Regex CommentPattern();
}
