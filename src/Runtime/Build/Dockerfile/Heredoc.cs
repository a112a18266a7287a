namespace ContainerTools.Runtime.Build.Dockerfile;

/// <summary>
/// A here-document after RUN, COPY or ADD: <c>&lt;&lt;EOF</c> (variables expanded) or <c>&lt;&lt;"EOF"</c> (verbatim);
/// <c>&lt;&lt;-EOF</c> strips leading tabs. <see cref="Content"/> holds the lines between the marker and the terminator.
/// </summary>
public sealed record Heredoc(string Name, string Content, bool Expand, bool StripTabs)
{
    /// <summary>The marker as written in the instruction (<c>&lt;&lt;-"EOF"</c>).</summary>
    public required string Marker { get; init; }
}
