using System.Management.Automation.Language;

namespace ContainerTools.Tests.Module;

/// <summary>
/// Every PowerShell script in the repository parses: a parse error names its file and line here, before the Pester
/// run (scripts/test.sh) or a bench script reaches it.
/// </summary>
public sealed class ScriptFilesParseTests
{
    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var folder in new[] { "Pester", "examples", "scripts", "bench", "bench/lib" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(BuiltModule.RepositoryRoot, folder), "*.ps1").Order())
            {
                data.Add(Path.GetRelativePath(BuiltModule.RepositoryRoot, file));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void ParsesWithoutErrors(string script)
    {
        Parser.ParseFile(Path.Combine(BuiltModule.RepositoryRoot, script), out _, out var errors);
        Assert.True(errors.Length == 0, string.Join("\n", errors.Select(e => $"{script}:{e.Extent.StartLineNumber}: {e.Message}")));
    }

    [Fact]
    public void ThereIsAPesterSuiteForImages()
    {
        Assert.True(File.Exists(Path.Combine(BuiltModule.RepositoryRoot, "Pester", "ContainerImage.Tests.ps1")));
    }

    [Fact]
    public void ThereIsAPesterSuiteForContainers()
    {
        Assert.True(File.Exists(Path.Combine(BuiltModule.RepositoryRoot, "Pester", "Container.Tests.ps1")));
    }

    [Fact]
    public void ThereIsAPesterSuiteForWorkingInsideContainers()
    {
        Assert.True(File.Exists(Path.Combine(BuiltModule.RepositoryRoot, "Pester", "ContainerOps.Tests.ps1")));
    }
}
