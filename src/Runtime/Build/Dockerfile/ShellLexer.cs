using System.Text;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Build.Dockerfile;

/// <summary>
/// Docker's word processing for the instructions that take variables (ADD, COPY, ENV, EXPOSE, FROM, LABEL, STOPSIGNAL,
/// USER, VOLUME, WORKDIR, ONBUILD, ARG): <c>$v</c>, <c>${v}</c>, <c>${v:-default}</c>, <c>${v-default}</c>,
/// <c>${v:+alternative}</c>, <c>${v+alternative}</c>, <c>${v:?message}</c>; single quotes keep text literal, double
/// quotes group words and still expand, and the escape token makes the next character literal. Quotes are removed.
/// </summary>
public sealed class ShellLexer
{
    private readonly char _escape;

    public ShellLexer(char escape = '\\') => _escape = escape;

    /// <summary>One word: variables expanded, quotes and escapes removed, whitespace kept.</summary>
    public string ProcessWord(string text, Func<string, string?> lookup) => string.Join("", Process(text, lookup, split: false));

    /// <summary>Words split on unquoted whitespace (an unquoted variable's value splits too), each processed.</summary>
    public IReadOnlyList<string> ProcessWords(string text, Func<string, string?> lookup) => Process(text, lookup, split: true);

    private List<string> Process(string text, Func<string, string?> lookup, bool split)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var started = false;
        void EndWord()
        {
            if (started)
            {
                words.Add(word.ToString());
            }
            word.Clear();
            started = false;
        }
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (split && char.IsWhiteSpace(c))
            {
                EndWord();
                i++;
                continue;
            }
            var before = started;
            started = true;
            if (c == _escape)
            {
                if (i + 1 < text.Length)
                {
                    word.Append(text[i + 1]);
                    i += 2;
                }
                else
                {
                    word.Append(c);
                    i++;
                }
                continue;
            }
            if (c == '\'')
            {
                var close = text.IndexOf('\'', i + 1);
                if (close < 0)
                {
                    throw Unbalanced(text, '\'');
                }
                word.Append(text, i + 1, close - i - 1);
                i = close + 1;
                continue;
            }
            if (c == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw Unbalanced(text, '"');
                    }
                    var d = text[i];
                    if (d == '"')
                    {
                        i++;
                        break;
                    }
                    if (d == _escape && i + 1 < text.Length && (text[i + 1] is '"' or '$' || text[i + 1] == _escape))
                    {
                        word.Append(text[i + 1]);
                        i += 2;
                        continue;
                    }
                    if (d == '$')
                    {
                        i = Expand(text, i, lookup, word);
                        continue;
                    }
                    word.Append(d);
                    i++;
                }
                continue;
            }
            if (c == '$')
            {
                if (!split)
                {
                    i = Expand(text, i, lookup, word);
                    continue;
                }
                var value = new StringBuilder();
                i = Expand(text, i, lookup, value);
                var expanded = value.ToString();
                started = before;
                if (expanded.Length == 0)
                {
                    continue;
                }
                if (char.IsWhiteSpace(expanded[0]))
                {
                    EndWord();
                }
                var parts = expanded.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                for (var p = 0; p < parts.Length; p++)
                {
                    if (p > 0)
                    {
                        EndWord();
                    }
                    word.Append(parts[p]);
                    started = true;
                }
                if (char.IsWhiteSpace(expanded[^1]))
                {
                    EndWord();
                }
                continue;
            }
            word.Append(c);
            i++;
        }
        EndWord();
        if (!split && words.Count == 0)
        {
            words.Add("");
        }
        return words;
    }

    /// <summary>Expands the variable reference at <paramref name="i"/> (a '$') into <paramref name="output"/>; returns the index after it.</summary>
    private int Expand(string text, int i, Func<string, string?> lookup, StringBuilder output)
    {
        var start = i + 1;
        if (start >= text.Length)
        {
            output.Append('$');
            return start;
        }
        if (text[start] == '{')
        {
            var nameEnd = start + 1;
            while (nameEnd < text.Length && IsNameChar(text[nameEnd]))
            {
                nameEnd++;
            }
            var name = text[(start + 1)..nameEnd];
            if (name.Length == 0)
            {
                throw new ContainerToolsException(ErrorIds.BadSubstitution, $"bad substitution in '{text}': a name must follow '${{'", text);
            }
            if (nameEnd >= text.Length)
            {
                throw new ContainerToolsException(ErrorIds.BadSubstitution, $"bad substitution in '{text}': missing '}}'", text);
            }
            if (text[nameEnd] == '}')
            {
                output.Append(lookup(name) ?? "");
                return nameEnd + 1;
            }
            var colon = text[nameEnd] == ':';
            var opIndex = colon ? nameEnd + 1 : nameEnd;
            if (opIndex >= text.Length || text[opIndex] is not ('-' or '+' or '?'))
            {
                throw new ContainerToolsException(ErrorIds.BadSubstitution, $"bad substitution in '{text}': unsupported modifier after ${{{name}", text);
            }
            var op = text[opIndex];
            var (wordText, close) = ReadBraced(text, opIndex + 1);
            var value = lookup(name);
            var set = colon ? !string.IsNullOrEmpty(value) : value is not null;
            switch (op)
            {
                case '-':
                    output.Append(set ? value : ProcessWord(wordText, lookup));
                    break;
                case '+':
                    output.Append(set ? ProcessWord(wordText, lookup) : "");
                    break;
                default:
                    if (!set)
                    {
                        var message = ProcessWord(wordText, lookup);
                        throw new ContainerToolsException(ErrorIds.VariableNotSet,
                            $"{name}: {(message.Length == 0 ? "is not set" : message)}", name);
                    }
                    output.Append(value);
                    break;
            }
            return close + 1;
        }
        if (IsNameChar(text[start]))
        {
            var end = start;
            while (end < text.Length && IsNameChar(text[end]))
            {
                end++;
            }
            output.Append(lookup(text[start..end]) ?? "");
            return end;
        }
        output.Append('$');
        return start;
    }

    /// <summary>The word of <c>${v:-word}</c> up to its matching brace (nested references allowed).</summary>
    private (string Word, int Close) ReadBraced(string text, int from)
    {
        var depth = 0;
        for (var j = from; j < text.Length; j++)
        {
            var c = text[j];
            if (c == _escape)
            {
                j++;
                continue;
            }
            if (c == '$' && j + 1 < text.Length && text[j + 1] == '{')
            {
                depth++;
                j++;
                continue;
            }
            if (c == '}')
            {
                if (depth == 0)
                {
                    return (text[from..j], j);
                }
                depth--;
            }
        }
        throw new ContainerToolsException(ErrorIds.BadSubstitution, $"bad substitution in '{text}': missing '}}'", text);
    }

    private static bool IsNameChar(char c) => c == '_' || char.IsAsciiLetterOrDigit(c);

    private static ContainerToolsException Unbalanced(string text, char quote) =>
        new(ErrorIds.UnbalancedQuotes, $"unbalanced {quote} quote in '{text}'", text);
}
