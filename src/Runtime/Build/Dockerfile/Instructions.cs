namespace ContainerTools.Runtime.Build.Dockerfile;

// One record per Dockerfile instruction, as parsed: values are raw text, variables not yet expanded (that happens when
// the stage that holds them is dispatched, with the environment of that moment).

/// <summary>Any instruction, with the line it came from.</summary>
public abstract record Instruction(DockerfileLine Line)
{
    public string Keyword => Line.Keyword;
}

/// <summary>A command in shell form (one string, run through SHELL) or exec form (a JSON array).</summary>
public sealed record CommandLine(IReadOnlyList<string> Words, bool ShellForm)
{
    public static CommandLine Shell(string text) => new([text], true);
}

/// <summary>A key and value of ENV or LABEL, both raw.</summary>
public sealed record KeyValue(string Key, string Value);

public sealed record FromInstruction(DockerfileLine Line, string Image, string? StageName, string? Platform) : Instruction(Line);

public sealed record RunInstruction(DockerfileLine Line, CommandLine Command, IReadOnlyList<string> Mounts, string? Network, string? Security) : Instruction(Line);

public sealed record CmdInstruction(DockerfileLine Line, CommandLine Command) : Instruction(Line);

public sealed record EntrypointInstruction(DockerfileLine Line, CommandLine Command) : Instruction(Line);

public sealed record EnvInstruction(DockerfileLine Line, IReadOnlyList<KeyValue> Variables) : Instruction(Line);

public sealed record LabelInstruction(DockerfileLine Line, IReadOnlyList<KeyValue> Labels) : Instruction(Line);

public sealed record ExposeInstruction(DockerfileLine Line, IReadOnlyList<string> Ports) : Instruction(Line);

public sealed record VolumeInstruction(DockerfileLine Line, IReadOnlyList<string> Paths, bool JsonForm) : Instruction(Line);

public sealed record UserInstruction(DockerfileLine Line, string User) : Instruction(Line);

public sealed record WorkdirInstruction(DockerfileLine Line, string Path) : Instruction(Line);

/// <summary>COPY and ADD share their shape; ADD adds URLs, --checksum and local tar extraction.</summary>
public sealed record CopyInstruction(
    DockerfileLine Line,
    bool IsAdd,
    IReadOnlyList<string> Sources,
    string Destination,
    string? From,
    string? Chown,
    string? Chmod,
    bool Link,
    string? Checksum,
    IReadOnlyList<string> Excludes,
    bool Parents = false) : Instruction(Line);

/// <summary>One name an ARG declares, with its raw default (null: none given).</summary>
public sealed record ArgDeclaration(string Name, string? Default);

/// <summary>An ARG: one or more names, each with an optional default.</summary>
public sealed record ArgInstruction(DockerfileLine Line, IReadOnlyList<ArgDeclaration> Arguments) : Instruction(Line);

public sealed record OnbuildInstruction(DockerfileLine Line, string Trigger) : Instruction(Line);

public sealed record StopsignalInstruction(DockerfileLine Line, string Signal) : Instruction(Line);

/// <summary>HEALTHCHECK: <see cref="Test"/> is Docker's form (["NONE"], ["CMD", ...] or ["CMD-SHELL", "..."]); durations as written (Go syntax).</summary>
public sealed record HealthcheckInstruction(
    DockerfileLine Line,
    IReadOnlyList<string> Test,
    string? Interval,
    string? Timeout,
    string? StartPeriod,
    string? StartInterval,
    string? Retries) : Instruction(Line);

public sealed record ShellInstruction(DockerfileLine Line, IReadOnlyList<string> Shell) : Instruction(Line);

public sealed record MaintainerInstruction(DockerfileLine Line, string Maintainer) : Instruction(Line);
