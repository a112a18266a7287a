namespace ContainerTools.Runtime.Build.Dockerfile;

/// <summary>
/// One logical instruction of a Dockerfile: its keyword (upper case), the text after it with continuations joined, the
/// here-documents that follow it, and where it was (first and last physical line).
/// </summary>
public sealed record DockerfileLine(string File, int StartLine, int EndLine, string Keyword, string Arguments, IReadOnlyList<Heredoc> Heredocs)
{
    /// <summary>The instruction as written, continuations joined: what history entries and errors show.</summary>
    public string Original => Arguments.Length == 0 ? Keyword : Keyword + " " + Arguments;
}

/// <summary>A parsed Dockerfile: its parser directives and its instructions in order.</summary>
public sealed record DockerfileDocument(string File, char EscapeToken, string? Syntax, IReadOnlyList<DockerfileLine> Lines);
