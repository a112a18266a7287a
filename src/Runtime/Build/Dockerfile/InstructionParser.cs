namespace ContainerTools.Runtime.Build.Dockerfile;

/// <summary>Turns each logical line of a Dockerfile into its instruction record, checking flags and forms.</summary>
public static class InstructionParser
{
    private static readonly Dictionary<string, bool> NoFlags = new();
    private static readonly Dictionary<string, bool> FromFlags = new() { ["platform"] = false };
    private static readonly Dictionary<string, bool> RunFlags = new() { ["mount"] = false, ["network"] = false, ["security"] = false };
    private static readonly Dictionary<string, bool> CopyFlags = new()
    {
        ["from"] = false, ["chown"] = false, ["chmod"] = false, ["link"] = true, ["exclude"] = false, ["parents"] = true,
    };
    private static readonly Dictionary<string, bool> AddFlags = new()
    {
        ["chown"] = false, ["chmod"] = false, ["link"] = true, ["checksum"] = false, ["keep-git-dir"] = true, ["exclude"] = false,
    };
    private static readonly Dictionary<string, bool> HealthcheckFlags = new()
    {
        ["interval"] = false, ["timeout"] = false, ["start-period"] = false, ["start-interval"] = false, ["retries"] = false,
    };

    public static IReadOnlyList<Instruction> ParseAll(DockerfileDocument document) =>
        document.Lines.Select(l => Parse(l, document.EscapeToken)).ToList();

    public static Instruction Parse(DockerfileLine line, char escape)
    {
        switch (line.Keyword)
        {
            case "FROM":
            {
                var flags = InstructionFlags.Parse(line, FromFlags);
                var words = RawWords.Split(flags.Rest, escape);
                if (words.Count == 1)
                {
                    return new FromInstruction(line, words[0], null, flags.Value("platform"));
                }
                if (words.Count == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase))
                {
                    return new FromInstruction(line, words[0], words[2].ToLowerInvariant(), flags.Value("platform"));
                }
                throw DockerfileError.At(line, "FROM takes an image and optionally 'AS name': FROM image [AS name]");
            }
            case "RUN":
            {
                var flags = InstructionFlags.Parse(line, RunFlags);
                var command = CommandOf(line, flags.Rest);
                return new RunInstruction(line, command, flags.Values("mount"), flags.Value("network"), flags.Value("security"));
            }
            case "CMD":
                return new CmdInstruction(line, CommandOf(line, InstructionFlags.Parse(line, NoFlags).Rest));
            case "ENTRYPOINT":
                return new EntrypointInstruction(line, CommandOf(line, InstructionFlags.Parse(line, NoFlags).Rest));
            case "ENV":
                return new EnvInstruction(line, KeyValues(line, escape, legacyAllowed: true));
            case "LABEL":
                return new LabelInstruction(line, KeyValues(line, escape, legacyAllowed: true));
            case "EXPOSE":
                return new ExposeInstruction(line, Required(line, RawWords.Split(NoFlagsRest(line), escape)));
            case "VOLUME":
            {
                var rest = NoFlagsRest(line);
                var json = RawWords.TryJsonArray(rest);
                return new VolumeInstruction(line, Required(line, json ?? RawWords.Split(rest, escape)), json is not null);
            }
            case "USER":
                return new UserInstruction(line, Single(line, escape));
            case "WORKDIR":
                return new WorkdirInstruction(line, RequiredText(line, NoFlagsRest(line)));
            case "COPY":
            case "ADD":
                return ParseCopy(line, escape);
            case "ARG":
                return new ArgInstruction(line, Required(line, RawWords.Split(NoFlagsRest(line), escape).Select(w =>
                {
                    var eq = w.IndexOf('=');
                    return eq < 0 ? new ArgDeclaration(w, null) : new ArgDeclaration(w[..eq], w[(eq + 1)..]);
                }).ToList()));
            case "ONBUILD":
            {
                var trigger = RequiredText(line, line.Arguments);
                var keyword = trigger.Split(' ', '\t')[0].ToUpperInvariant();
                if (keyword is "ONBUILD" or "FROM" or "MAINTAINER")
                {
                    throw DockerfileError.At(line, $"{keyword} is not allowed as an ONBUILD trigger");
                }
                return new OnbuildInstruction(line, trigger);
            }
            case "STOPSIGNAL":
                return new StopsignalInstruction(line, Single(line, escape));
            case "HEALTHCHECK":
                return ParseHealthcheck(line, escape);
            case "SHELL":
            {
                var shell = RawWords.TryJsonArray(NoFlagsRest(line));
                if (shell is null || shell.Count == 0)
                {
                    throw DockerfileError.At(line, "SHELL requires the arguments in JSON form: SHELL [\"executable\", \"parameters\"]");
                }
                return new ShellInstruction(line, shell);
            }
            case "MAINTAINER":
                return new MaintainerInstruction(line, RequiredText(line, line.Arguments));
            default:
                throw DockerfileError.At(line.File, line.StartLine, null, $"unknown instruction: {line.Keyword}", "UnknownInstruction");
        }
    }

    private static CommandLine CommandOf(DockerfileLine line, string rest)
    {
        var json = RawWords.TryJsonArray(rest);
        if (json is not null)
        {
            if (json.Count == 0 && line.Keyword == "RUN")
            {
                throw DockerfileError.At(line, "RUN needs a command");
            }
            return new CommandLine(json, false);
        }
        if (rest.Length == 0 && line.Heredocs.Count == 0)
        {
            throw DockerfileError.At(line, $"{line.Keyword} needs a command");
        }
        return CommandLine.Shell(rest);
    }

    private static Instruction ParseCopy(DockerfileLine line, char escape)
    {
        var isAdd = line.Keyword == "ADD";
        var flags = InstructionFlags.Parse(line, isAdd ? AddFlags : CopyFlags);
        var words = RawWords.TryJsonArray(flags.Rest) ?? RawWords.Split(flags.Rest, escape);
        if (words.Count < 2)
        {
            throw DockerfileError.At(line, $"{line.Keyword} requires at least two arguments: a source and a destination");
        }
        if (flags.Value("checksum") is { } checksum && !words.Take(words.Count - 1).All(IsUrl))
        {
            throw DockerfileError.At(line, $"--checksum={checksum} is only allowed for HTTP(S) sources", "BadFlag");
        }
        return new CopyInstruction(line, isAdd, words.Take(words.Count - 1).ToList(), words[^1], flags.Value("from"), flags.Value("chown"),
            flags.Value("chmod"), flags.IsSet("link"), flags.Value("checksum"), flags.Values("exclude"), flags.IsSet("parents"));
    }

    internal static bool IsUrl(string source) =>
        source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    private static Instruction ParseHealthcheck(DockerfileLine line, char escape)
    {
        var flags = InstructionFlags.Parse(line, HealthcheckFlags);
        var rest = flags.Rest;
        var space = rest.IndexOfAny([' ', '\t']);
        var kind = (space < 0 ? rest : rest[..space]).ToUpperInvariant();
        var after = space < 0 ? "" : rest[(space + 1)..].Trim();
        if (kind == "NONE")
        {
            if (after.Length > 0 || flags.Value("interval") is not null || flags.Value("timeout") is not null || flags.Value("retries") is not null)
            {
                throw DockerfileError.At(line, "HEALTHCHECK NONE takes no other arguments or flags");
            }
            return new HealthcheckInstruction(line, ["NONE"], null, null, null, null, null);
        }
        if (kind != "CMD")
        {
            throw DockerfileError.At(line, "HEALTHCHECK takes CMD followed by a command, or NONE");
        }
        if (after.Length == 0)
        {
            throw DockerfileError.At(line, "HEALTHCHECK CMD needs a command");
        }
        var json = RawWords.TryJsonArray(after);
        IReadOnlyList<string> test = json is not null ? ["CMD", .. json] : ["CMD-SHELL", after];
        return new HealthcheckInstruction(line, test, flags.Value("interval"), flags.Value("timeout"), flags.Value("start-period"),
            flags.Value("start-interval"), flags.Value("retries"));
    }

    /// <summary>ENV/LABEL pairs: <c>k=v k2="v 2"</c>, or the legacy <c>ENV k the value</c> (one pair, value the rest of the line).</summary>
    private static IReadOnlyList<KeyValue> KeyValues(DockerfileLine line, char escape, bool legacyAllowed)
    {
        var rest = NoFlagsRest(line);
        var words = RawWords.Split(rest, escape);
        if (words.Count == 0)
        {
            throw DockerfileError.At(line, $"{line.Keyword} requires at least one argument");
        }
        if (!words[0].Contains('='))
        {
            if (!legacyAllowed || words.Count < 2)
            {
                throw DockerfileError.At(line, $"{line.Keyword} must have two arguments: {line.Keyword} key value, or key=value pairs");
            }
            var value = rest[(rest.IndexOf(words[0], StringComparison.Ordinal) + words[0].Length)..].Trim();
            return [new KeyValue(words[0], value)];
        }
        var pairs = new List<KeyValue>();
        foreach (var word in words)
        {
            var eq = word.IndexOf('=');
            if (eq <= 0)
            {
                throw DockerfileError.At(line, $"'{word}' is not of the form key=value");
            }
            pairs.Add(new KeyValue(word[..eq], word[(eq + 1)..]));
        }
        return pairs;
    }

    private static string NoFlagsRest(DockerfileLine line) => InstructionFlags.Parse(line, NoFlags).Rest;

    private static string Single(DockerfileLine line, char escape)
    {
        var words = RawWords.Split(NoFlagsRest(line), escape);
        if (words.Count != 1)
        {
            throw DockerfileError.At(line, $"{line.Keyword} takes exactly one argument");
        }
        return words[0];
    }

    private static string RequiredText(DockerfileLine line, string text) =>
        text.Length > 0 ? text : throw DockerfileError.At(line, $"{line.Keyword} requires an argument");

    private static IReadOnlyList<T> Required<T>(DockerfileLine line, IReadOnlyList<T> items) =>
        items.Count > 0 ? items : throw DockerfileError.At(line, $"{line.Keyword} requires at least one argument");
}
