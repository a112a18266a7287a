using ContainerTools.Runtime.Build.Dockerfile;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Tests.Build;

public sealed class ShellLexerTests
{
    private static readonly Dictionary<string, string> Env = new() { ["A"] = "apple", ["EMPTY"] = "", ["SPACED"] = "x y" };

    private static string? Lookup(string name) => Env.TryGetValue(name, out var v) ? v : null;

    [Theory]
    [InlineData("$A", "apple")]
    [InlineData("${A}s", "apples")]
    [InlineData("$Apie", "")]
    [InlineData("${MISSING:-dflt}", "dflt")]
    [InlineData("${EMPTY:-dflt}", "dflt")]
    [InlineData("${EMPTY-dflt}", "")]
    [InlineData("${MISSING-dflt}", "dflt")]
    [InlineData("${A:+alt}", "alt")]
    [InlineData("${EMPTY:+alt}", "")]
    [InlineData("${EMPTY+alt}", "alt")]
    [InlineData("${MISSING:-${A}}", "apple")]
    [InlineData("'$A'", "$A")]
    [InlineData("\"$A and ${A}\"", "apple and apple")]
    [InlineData("\\$A", "$A")]
    [InlineData("\"\\$A\"", "$A")]
    [InlineData("a\\ b", "a b")]
    [InlineData("$", "$")]
    [InlineData("100%$", "100%$")]
    [InlineData("\"a\"'b'c", "abc")]
    public void Words_expand_as_docker_does(string text, string expected) =>
        Assert.Equal(expected, new ShellLexer().ProcessWord(text, Lookup));

    [Fact]
    public void Backtick_escape_leaves_backslashes_alone()
    {
        Assert.Equal("c:\\dir $A", new ShellLexer('`').ProcessWord("c:\\dir `$A", Lookup));
    }

    [Fact]
    public void Words_split_on_unquoted_whitespace_and_unquoted_values()
    {
        var words = new ShellLexer().ProcessWords("one \"two words\" $SPACED $EMPTY pre$A", Lookup);
        Assert.Equal(["one", "two words", "x", "y", "preapple"], words);
    }

    [Fact]
    public void Required_variable_fails_with_its_message()
    {
        var error = Assert.Throws<ContainerToolsException>(() => new ShellLexer().ProcessWord("${MISSING:?set it}", Lookup));
        Assert.Contains("set it", error.Message);
    }

    [Fact]
    public void Unbalanced_quotes_are_an_error()
    {
        Assert.Throws<ContainerToolsException>(() => new ShellLexer().ProcessWord("\"open", Lookup));
    }
}
