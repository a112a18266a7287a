using System.Xml.Linq;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Architecture;

/// <summary>
/// Arrows point down (COMMON.md): front ends -> engine -> low-level runtime library. Read from the project files
/// themselves: project references, package references, and source files linked from another project's folder.
/// </summary>
public sealed class ProjectReferenceTests
{
    private enum Layer { LowLevel, Engine, FrontEnd, Helper }

    /// <summary>
    /// Every project under src and its layer: src/OciRuntime is the low-level library, src/Runtime the engine, and
    /// ctinit/ctmon are held to the low-level library alone.
    /// </summary>
    private static readonly Dictionary<string, Layer> Layers = new(StringComparer.Ordinal)
    {
        ["OciRuntime"] = Layer.LowLevel,
        ["Runtime"] = Layer.Engine,
        ["Cmdlets"] = Layer.FrontEnd,
        ["Cleanup"] = Layer.FrontEnd,
        ["Pwsh"] = Layer.FrontEnd, // out/pwsh/pwsh, the console host the tests and demo run; references none of ours
        ["Api"] = Layer.FrontEnd,
        ["Ctrun"] = Layer.FrontEnd,
        ["Init"] = Layer.Helper,
        ["Monitor"] = Layer.Helper,
    };

    /// <summary>What the helpers (ctinit, ctmon) and ctrun may use.</summary>
    private const string LowLevelLibrary = "OciRuntime";

    private static readonly string[] FrontEndOnlyPackages = ["PowerShellStandard.Library", "System.Management.Automation", "Microsoft.PowerShell.", "Microsoft.AspNetCore."];

    private static string Source => Path.Combine(HelperBinaries.RepositoryRoot, "src");

    private sealed record Project(string Name, Layer Layer, IReadOnlyList<string> References, IReadOnlyList<string> Packages, IReadOnlyList<string> Frameworks);

    private static IReadOnlyList<Project> Projects()
    {
        var projects = new List<Project>();
        foreach (var file in Directory.EnumerateFiles(Source, "*.csproj", SearchOption.AllDirectories))
        {
            var folder = Path.GetDirectoryName(file)!;
            var name = Path.GetRelativePath(Source, folder).Split(Path.DirectorySeparatorChar)[0];
            Assert.True(Layers.TryGetValue(name, out var layer), $"src/{name} has no layer in ProjectReferenceTests.Layers: put it in one.");
            var document = XDocument.Load(file);
            var references = document.Descendants("ProjectReference").Select(e => e.Attribute("Include")!.Value)
                .Concat(document.Descendants("Compile").Select(e => e.Attribute("Include")?.Value).OfType<string>().Where(p => p.StartsWith("..", StringComparison.Ordinal)))
                .Select(p => Path.GetRelativePath(Source, Path.GetFullPath(Path.Combine(folder, p.Replace('\\', '/')))).Split(Path.DirectorySeparatorChar)[0])
                .Where(r => r != name)
                .Distinct()
                .ToList();
            var packages = document.Descendants("PackageReference").Select(e => e.Attribute("Include")!.Value).ToList();
            var frameworks = document.Descendants("FrameworkReference").Select(e => e.Attribute("Include")!.Value).ToList();
            projects.Add(new Project(name, layer, references, packages, frameworks));
        }
        return projects;
    }

    [Fact]
    public void FrontEndsDependDownwardOnlyAndNeverOnEachOther()
    {
        var layers = Projects().ToDictionary(p => p.Name, p => p.Layer);
        var wrong = Projects()
            .SelectMany(p => p.References.Select(r => (From: p, To: r)))
            .Where(a => !layers.TryGetValue(a.To, out var to) || to is Layer.FrontEnd or Layer.Helper || to >= a.From.Layer && a.From.Layer != Layer.Helper)
            .Select(a => $"{a.From.Name} -> {a.To}")
            .ToList();
        Assert.True(wrong.Count == 0, "references that do not point down: " + string.Join(", ", wrong));
    }

    [Fact]
    public void NothingBelowAFrontEndReferencesPowerShellOrAspNet()
    {
        var wrong = Projects()
            .Where(p => p.Layer is not Layer.FrontEnd)
            .SelectMany(p => p.Packages.Concat(p.Frameworks).Where(IsFrontEndOnly).Select(r => $"{p.Name}: {r}"))
            .ToList();
        Assert.True(wrong.Count == 0, string.Join(", ", wrong));
    }

    [Fact]
    public void CtinitAndCtmonReferenceOnlyTheLowLevelLibrary()
    {
        foreach (var helper in Projects().Where(p => p.Layer == Layer.Helper))
        {
            Assert.All(helper.References, r => Assert.Equal(LowLevelLibrary, r));
        }
    }

    [Fact]
    public void CtrunIsAFrontEndOnTheLowLevelLibraryAlone()
    {
        // ctrun is a front end (a CLI like runc), but a thin one: no engine, no PowerShell, only src/OciRuntime.
        var ctrun = Assert.Single(Projects(), p => p.Name == "Ctrun");
        Assert.Equal(Layer.FrontEnd, ctrun.Layer);
        Assert.Equal([LowLevelLibrary], ctrun.References);
        Assert.DoesNotContain(ctrun.Packages, IsFrontEndOnly);
    }

    [Fact]
    public void TheRulesCatchAWrongArrow()
    {
        // The checks above hold only if the project files are really read: the cmdlets do reference the engine and PowerShell.
        var cmdlets = Assert.Single(Projects(), p => p.Name == "Cmdlets");
        Assert.Contains("Runtime", cmdlets.References);
        Assert.Contains(cmdlets.Packages, IsFrontEndOnly);
        var init = Assert.Single(Projects(), p => p.Name == "Init");
        Assert.Equal([LowLevelLibrary], init.References);
        var engine = Assert.Single(Projects(), p => p.Name == "Runtime");
        Assert.Equal(Layer.Engine, engine.Layer);
        Assert.Contains(LowLevelLibrary, engine.References);
    }

    private static bool IsFrontEndOnly(string package) =>
        FrontEndOnlyPackages.Any(p => package.Equals(p, StringComparison.OrdinalIgnoreCase) || (p.EndsWith('.') && package.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
        || package.StartsWith("Microsoft.AspNetCore", StringComparison.OrdinalIgnoreCase);
}
