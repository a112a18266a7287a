using System.Text;
using System.Text.RegularExpressions;

namespace ContainerTools.Runtime.Build.Dockerfile;

/// <summary>
/// Reads Dockerfile text into logical lines as Docker's parser does: parser directives at the very top (<c>escape</c>,
/// <c>syntax</c>, <c>check</c>), comments, escape-character continuations (comment and empty lines inside one are
/// dropped), and here-documents after RUN, COPY and ADD. It knows nothing of what instructions mean.
/// </summary>
public static partial class DockerfileParser
{
    private static readonly HashSet<string> HeredocInstructions = new(StringComparer.Ordinal) { "RUN", "COPY", "ADD" };

    [GeneratedRegex(@"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")]
    private static partial Regex DirectivePattern();

    [GeneratedRegex(@"(?<![<\w])<<(-?)(?:""([A-Za-z_][A-Za-z0-9_.-]*)""|'([A-Za-z_][A-Za-z0-9_.-]*)'|([A-Za-z_][A-Za-z0-9_.-]*))")]
    private static partial Regex HeredocPattern();

    public static DockerfileDocument Parse(string text, string file = "Dockerfile")
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var escape = '\\';
        string? syntax = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        for (; i < lines.Length; i++)
        {
            var match = DirectivePattern().Match(lines[i].Trim());
            if (!match.Success)
            {
                break;
            }
            var name = match.Groups[1].Value.ToLowerInvariant();
            var value = match.Groups[2].Value;
            if (name is not ("escape" or "syntax" or "check"))
            {
                break; // an unknown directive is a comment, and ends the directives
            }
            if (!seen.Add(name))
            {
                throw DockerfileError.At(file, i + 1, null, $"the parser directive '{name}' is given twice");
            }
            if (name == "escape")
            {
                if (value is not ("\\" or "`"))
                {
                    throw DockerfileError.At(file, i + 1, null, $"invalid escape token '{value}': it must be \\ or `");
                }
                escape = value[0];
            }
            else if (name == "syntax")
            {
                syntax = value;
            }
        }

        var result = new List<DockerfileLine>();
        while (i < lines.Length)
        {
            var first = lines[i].Trim();
            if (first.Length == 0 || first[0] == '#')
            {
                i++;
                continue;
            }
            var start = i;
            var joined = new StringBuilder();
            var current = first;
            while (true)
            {
                var (content, continues) = TrimContinuation(current, escape);
                joined.Append(content);
                if (!continues)
                {
                    break;
                }
                i++;
                while (i < lines.Length && (lines[i].Trim().Length == 0 || lines[i].TrimStart().StartsWith('#')))
                {
                    i++;
                }
                if (i >= lines.Length)
                {
                    i--;
                    break;
                }
                current = lines[i].TrimEnd();
            }
            var end = i;
            i++;
            var logical = joined.ToString().Trim();
            var space = logical.IndexOfAny([' ', '\t']);
            var keyword = (space < 0 ? logical : logical[..space]).ToUpperInvariant();
            var arguments = space < 0 ? "" : logical[(space + 1)..].Trim();
            var heredocs = new List<Heredoc>();
            if (HeredocInstructions.Contains(keyword))
            {
                foreach (Match marker in HeredocPattern().Matches(arguments))
                {
                    var stripTabs = marker.Groups[1].Value == "-";
                    var quoted = !marker.Groups[4].Success;
                    var name = marker.Groups[2].Success ? marker.Groups[2].Value : marker.Groups[3].Success ? marker.Groups[3].Value : marker.Groups[4].Value;
                    var body = new StringBuilder();
                    var terminated = false;
                    while (i < lines.Length)
                    {
                        var line = stripTabs ? lines[i].TrimStart('\t') : lines[i];
                        i++;
                        if (line == name)
                        {
                            terminated = true;
                            break;
                        }
                        body.Append(line).Append('\n');
                    }
                    if (!terminated)
                    {
                        throw DockerfileError.At(file, start + 1, keyword, $"the here-document {marker.Value} has no terminating line '{name}'");
                    }
                    heredocs.Add(new Heredoc(name, body.ToString(), !quoted, stripTabs) { Marker = marker.Value });
                    end = i - 1;
                }
            }
            result.Add(new DockerfileLine(file, start + 1, end + 1, keyword, arguments, heredocs));
        }
        return new DockerfileDocument(file, escape, syntax, result);
    }

    /// <summary>A line ending in the escape token (trailing blanks allowed) continues on the next one.</summary>
    private static (string Content, bool Continues) TrimContinuation(string line, char escape)
    {
        var trimmed = line.TrimEnd(' ', '\t');
        if (trimmed.Length > 0 && trimmed[^1] == escape)
        {
            return (trimmed[..^1], true);
        }
        return (line, false);
    }
}
