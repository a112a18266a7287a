using ContainerTools.Runtime.Build.Dockerfile;

namespace ContainerTools.Tests.Build;

public sealed class DockerIgnoreTests
{
    [Theory]
    [InlineData("*.log", "a.log", true)]
    [InlineData("*.log", "dir/a.log", false)]
    [InlineData("**/*.log", "dir/sub/a.log", true)]
    [InlineData("**/*.log", "a.log", true)]
    [InlineData("/build", "build/out/x", true)]
    [InlineData("build/", "build/x", true)]
    [InlineData("te?t", "test", true)]
    [InlineData("te?t", "te/t", false)]
    [InlineData("[a-c]at", "bat", true)]
    [InlineData("[^a-c]at", "bat", false)]
    [InlineData("[^a-c]at", "hat", true)]
    [InlineData("docs/**", "docs/a/b", true)]
    [InlineData("./node_modules", "node_modules/x/y", true)]
    [InlineData("a\\*b", "a*b", true)]
    [InlineData("a\\*b", "axb", false)]
    public void Patterns_match_like_go_filepath_match(string pattern, string path, bool excluded) =>
        Assert.Equal(excluded, DockerIgnore.Parse(pattern).Excludes(path));

    [Fact]
    public void Exceptions_bring_files_back_and_the_last_match_wins()
    {
        var ignore = DockerIgnore.Parse("# comment\n*.md\n!README.md\nREADME*.md\n!README-keep.md\n");
        Assert.True(ignore.Excludes("notes.md"));
        Assert.True(ignore.Excludes("README.md"));
        Assert.False(ignore.Excludes("README-keep.md"));
        Assert.False(ignore.Excludes("src/a.cs"));
        Assert.True(ignore.HasExceptions);
    }
}
