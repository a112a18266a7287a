using System.Text;
using System.Text.Json;

namespace ContainerTools.Runtime.Build.Dockerfile;

/// <summary>
/// Splitting an instruction's arguments before any expansion: on whitespace outside quotes, quotes and escapes kept
/// (the shell lexer removes them later, per word); and Docker's JSON (exec) form.
/// </summary>
public static class RawWords
{
    public static IReadOnlyList<string> Split(string text, char escape)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        char quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote == '\0' && char.IsWhiteSpace(c))
            {
                if (word.Length > 0)
                {
                    words.Add(word.ToString());
                    word.Clear();
                }
                continue;
            }
            word.Append(c);
            if (c == escape && quote != '\'' && i + 1 < text.Length)
            {
                word.Append(text[++i]);
                continue;
            }
            if (quote == '\0' && c is '"' or '\'')
            {
                quote = c;
            }
            else if (quote != '\0' && c == quote)
            {
                quote = '\0';
            }
        }
        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }
        return words;
    }

    /// <summary>The JSON array form (<c>["a", "b"]</c>); null when the text is not one (then it is shell form, as Docker treats it).</summary>
    public static IReadOnlyList<string>? TryJsonArray(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith('[') || !trimmed.EndsWith(']'))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(trimmed);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
            var list = new List<string>();
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.String)
                {
                    return null;
                }
                list.Add(element.GetString()!);
            }
            return list;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
