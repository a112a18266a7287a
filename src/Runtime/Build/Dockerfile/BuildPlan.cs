namespace ContainerTools.Runtime.Build.Dockerfile;

/// <summary>One stage: its FROM, its position and name, and the instructions up to the next FROM.</summary>
public sealed record BuildStage(int Index, FromInstruction From, IReadOnlyList<Instruction> Instructions)
{
    public string? Name => From.StageName;
}

/// <summary>A Dockerfile cut into stages, with the ARGs before the first FROM (which only FROM lines see).</summary>
public sealed record BuildPlan(DockerfileDocument Document, IReadOnlyList<ArgInstruction> MetaArgs, IReadOnlyList<BuildStage> Stages)
{
    public static BuildPlan Parse(string text, string file = "Dockerfile") => From(DockerfileParser.Parse(text, file));

    public static BuildPlan From(DockerfileDocument document)
    {
        var instructions = InstructionParser.ParseAll(document);
        var metaArgs = new List<ArgInstruction>();
        var stages = new List<BuildStage>();
        FromInstruction? from = null;
        var body = new List<Instruction>();
        foreach (var instruction in instructions)
        {
            if (instruction is FromInstruction next)
            {
                if (from is not null)
                {
                    stages.Add(new BuildStage(stages.Count, from, body));
                }
                if (next.StageName is { } name && (stages.Any(s => s.Name == name) || from?.StageName == name))
                {
                    throw DockerfileError.At(next.Line, $"the stage name '{name}' is used twice", "DuplicateStageName");
                }
                if (next.StageName is { } n && !IsValidStageName(n))
                {
                    throw DockerfileError.At(next.Line, $"invalid stage name '{n}': use letters, digits, '_', '-' and '.', starting with a letter");
                }
                from = next;
                body = [];
                continue;
            }
            if (from is null)
            {
                if (instruction is ArgInstruction arg)
                {
                    metaArgs.Add(arg);
                    continue;
                }
                throw DockerfileError.At(instruction.Line, "no build stage in current context: the first instruction must be FROM (only ARG may come before it)", "NoFromInstruction");
            }
            body.Add(instruction);
        }
        if (from is null)
        {
            throw DockerfileError.At(document.File, 1, null, "the Dockerfile has no FROM instruction", "NoFromInstruction");
        }
        stages.Add(new BuildStage(stages.Count, from, body));
        return new BuildPlan(document, metaArgs, stages);
    }

    /// <summary>The stage a --from, FROM or -Target names: a stage name or a stage index (only an earlier one when <paramref name="before"/> is given).</summary>
    public BuildStage? FindStage(string nameOrIndex, int before = int.MaxValue)
    {
        var lower = nameOrIndex.ToLowerInvariant();
        var named = Stages.FirstOrDefault(s => s.Name == lower && s.Index < before);
        if (named is not null)
        {
            return named;
        }
        return int.TryParse(nameOrIndex, System.Globalization.NumberStyles.None, null, out var index) && index < Math.Min(before, Stages.Count) ? Stages[index] : null;
    }

    private static bool IsValidStageName(string name) =>
        name.Length > 0 && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');
}
