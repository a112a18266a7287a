using System.Text;
using System.Text.RegularExpressions;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Build.Dockerfile;

/// <summary>
/// Go's filepath.Match patterns as regular expressions: <c>*</c> and <c>?</c> stop at '/', <c>[a-z]</c> and
/// <c>[^a-z]</c> classes, <c>\</c> escapes; and <c>**</c> (any number of directories), as .dockerignore allows.
/// </summary>
public static class GoPattern
{
    public static Regex Compile(string pattern) => new(ToRegex(pattern), RegexOptions.CultureInvariant);

    public static bool HasWildcards(string path) => path.IndexOfAny(['*', '?', '[']) >= 0;

    internal static string ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    i++;
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                    {
                        i++;
                        regex.Append("(?:.*/)?");
                    }
                    else
                    {
                        regex.Append(".*");
                    }
                    break;
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '[':
                {
                    var close = pattern.IndexOf(']', i + 2);
                    if (close < 0)
                    {
                        throw new ContainerToolsException(ErrorIds.BadIgnorePattern, $"the .dockerignore pattern '{pattern}' has an unclosed '['", pattern);
                    }
                    var body = pattern[(i + 1)..close];
                    if (body.StartsWith('^'))
                    {
                        body = "^" + body[1..].Replace("\\", "\\\\").Replace("[", "\\[");
                    }
                    else
                    {
                        body = body.Replace("\\", "\\\\").Replace("[", "\\[");
                    }
                    regex.Append('[').Append(body).Append(']');
                    i = close;
                    break;
                }
                case '\\' when i + 1 < pattern.Length:
                    regex.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        return regex.Append('$').ToString();
    }
}
