using System.Text.RegularExpressions;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Errors;

/// <summary>One catalog of error ids: every id the engine throws is in it, once, with its kind and docker exit code.</summary>
public sealed partial class ErrorCatalogTests
{
    [GeneratedRegex(@"ErrorIds\.([A-Za-z]+)")]
    private static partial Regex CatalogUse();

    [GeneratedRegex(@"\b(?:ContainerToolsException|new|base)\(\s*(?:Errors\.)?ErrorKind\.[A-Za-z]+,\s*""([A-Za-z]+)""")]
    private static partial Regex AdHocId();

    [Fact]
    public void EveryIdIsUniqueAndFoundByName()
    {
        Assert.Equal(ErrorIds.All.Count, ErrorIds.All.Select(e => e.Name).Distinct().Count());
        Assert.All(ErrorIds.All, e => Assert.Same(e, ErrorIds.Find(e.Name)));
        Assert.All(ErrorIds.All, e => Assert.Matches("^[A-Z][A-Za-z]+$", e.Name));
        Assert.Null(ErrorIds.Find("NoSuchErrorId"));
    }

    [Fact]
    public void EveryIdTheSourcesThrowIsInTheCatalog()
    {
        var source = Path.Combine(HelperBinaries.RepositoryRoot, "src");
        var used = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Select(File.ReadAllText)
            .SelectMany(text => CatalogUse().Matches(text).Concat(AdHocId().Matches(text)).Select(m => m.Groups[1].Value))
            .Where(name => name is not ("All" or "Find"))
            .Distinct()
            .ToList();
        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.True(ErrorIds.Find(name) is not null, $"{name} is thrown but not in ErrorIds"));
    }

    [Fact]
    public void TheExitCodeAndErrnoTravelWithTheError()
    {
        var inner = new ContainerTools.OciRuntime.Linux.SystemCallException("open", 13, "/x");
        var error = new ContainerToolsException(ErrorIds.ContainerStartFailed with { ExitCode = ExitCodes.CannotInvoke }, "The container could not start: denied", "c", inner, reason: "denied");
        Assert.Equal(126, error.ExitCode);
        Assert.Equal(13, error.Errno);
        Assert.Equal("denied", error.Reason);
        Assert.Equal("ContainerStartFailed", error.ErrorId);
        Assert.Equal(ExitCodes.EngineError, new ContainerToolsException(ErrorIds.ContainerNotFound, "gone").ExitCode);
    }
}
