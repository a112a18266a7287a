namespace ContainerTools.Ctrun;

/// <summary>
/// runc's command-line grammar (urfave/cli): options before the positional arguments, as "--name value", "--name=value",
/// "-name value" or a short alias; flags (no value) may be written "--flag=true|false". The first positional argument
/// ends the options, so an exec's command keeps its own.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _values = new();
    private readonly HashSet<string> _flags = new();

    public List<string> Positionals { get; } = new();

    /// <summary>Option names (long, without dashes) that take a value; short aliases map to them.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args, int start, OptionSet options, out int end, bool stopAtFirstPositional)
    {
        var line = new CommandLine();
        var i = start;
        for (; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--") { i++; break; }
            if (arg.Length < 2 || arg[0] != '-')
            {
                if (stopAtFirstPositional) break;
                line.Positionals.Add(arg);
                continue;
            }
            var text = arg.TrimStart('-');
            string? inline = null;
            var equals = text.IndexOf('=');
            if (equals >= 0) { inline = text[(equals + 1)..]; text = text[..equals]; }
            var name = options.Canonical(text) ?? throw new CtrunError($"flag provided but not defined: -{text}");
            if (options.TakesValue(name))
            {
                var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new CtrunError($"flag needs an argument: -{text}"));
                if (!line._values.TryGetValue(name, out var list)) line._values[name] = list = new List<string>();
                list.Add(value);
            }
            else if (inline is null || inline == "true") line._flags.Add(name);
            else if (inline != "false") throw new CtrunError($"invalid boolean value \"{inline}\" for -{text}");
        }
        if (!stopAtFirstPositional) { for (; i < args.Count; i++) line.Positionals.Add(args[i]); }
        end = i;
        return line;
    }

    public string? Value(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    public IReadOnlyList<string> Values(string name) => _values.TryGetValue(name, out var list) ? list : [];

    public bool Flag(string name) => _flags.Contains(name);

    public int Int(string name, int fallback)
    {
        var text = Value(name);
        if (text is null) return fallback;
        return int.TryParse(text, out var value) ? value : throw new CtrunError($"invalid value \"{text}\" for flag -{name}: parse error");
    }
}

/// <summary>The options one command (or the global level) accepts.</summary>
internal sealed class OptionSet
{
    private readonly Dictionary<string, string> _aliases = new();
    private readonly HashSet<string> _withValue = new();

    /// <summary>Each spec is "name" or "name|alias", with a trailing '=' when it takes a value.</summary>
    public OptionSet(params string[] specs)
    {
        foreach (var spec in specs)
        {
            var valued = spec.EndsWith('=');
            var names = spec.TrimEnd('=').Split('|');
            foreach (var n in names) _aliases[n] = names[0];
            if (valued) _withValue.Add(names[0]);
        }
    }

    public string? Canonical(string name) => _aliases.GetValueOrDefault(name);

    public bool TakesValue(string name) => _withValue.Contains(name);
}
