using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Build.Dockerfile;

/// <summary>The errors of reading a Dockerfile: each names the file, the line and the instruction at fault.</summary>
public static class DockerfileError
{
    public static ContainerToolsException At(string file, int line, string? instruction, string message, string errorId = "DockerfileSyntax")
    {
        var where = instruction is null ? $"{file}:{line}" : $"{file}:{line}: {instruction.ToUpperInvariant()}";
        return new ContainerToolsException(ErrorKind.InvalidData, errorId, $"{where}: {message}", $"{file}:{line}");
    }

    public static ContainerToolsException At(DockerfileLine line, string message, string errorId = "DockerfileSyntax") =>
        At(line.File, line.StartLine, line.Keyword, message, errorId);
}
