namespace ContainerTools.Runtime.Build.Dockerfile;

/// <summary>
/// The <c>--name=value</c> and <c>--name</c> flags at the start of an instruction's arguments, checked against what the
/// instruction accepts. Values stay raw; repeated flags (RUN --mount) keep every value.
/// </summary>
public sealed class InstructionFlags
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    private InstructionFlags(string rest) => Rest = rest;

    /// <summary>The arguments after the flags.</summary>
    public string Rest { get; }

    /// <param name="allowed">flag name -> true for a boolean flag (value optional), false for one that needs a value.</param>
    public static InstructionFlags Parse(DockerfileLine line, IReadOnlyDictionary<string, bool> allowed)
    {
        var text = line.Arguments;
        var position = 0;
        var found = new List<(string Name, string? Value)>();
        while (true)
        {
            while (position < text.Length && char.IsWhiteSpace(text[position]))
            {
                position++;
            }
            if (!text.AsSpan(position).StartsWith("--") || position + 2 >= text.Length || char.IsWhiteSpace(text[position + 2]))
            {
                break;
            }
            var end = position;
            while (end < text.Length && !char.IsWhiteSpace(text[end]))
            {
                end++;
            }
            var token = text[(position + 2)..end];
            var eq = token.IndexOf('=');
            found.Add(eq < 0 ? (token, null) : (token[..eq], token[(eq + 1)..]));
            position = end;
        }
        var flags = new InstructionFlags(text[position..].Trim());
        foreach (var (name, value) in found)
        {
            if (!allowed.TryGetValue(name, out var isBoolean))
            {
                throw DockerfileError.At(line, $"unknown flag: --{name}", "UnknownFlag");
            }
            if (!isBoolean && value is null)
            {
                throw DockerfileError.At(line, $"the flag --{name} needs a value (--{name}=...)", "BadFlag");
            }
            if (isBoolean && value is not null && value is not ("true" or "false"))
            {
                throw DockerfileError.At(line, $"the flag --{name} takes no value other than true or false, not '{value}'", "BadFlag");
            }
            if (!flags._values.TryGetValue(name, out var list))
            {
                flags._values[name] = list = [];
            }
            list.Add(value ?? "true");
        }
        return flags;
    }

    public string? Value(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    public IReadOnlyList<string> Values(string name) => _values.TryGetValue(name, out var list) ? list : [];

    public bool IsSet(string name) => Value(name) == "true";
}
