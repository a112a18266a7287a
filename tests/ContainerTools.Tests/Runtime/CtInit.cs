namespace ContainerTools.Tests.Runtime;

/// <summary>The ctinit that ./build.sh published to out/ContainerTools, found from the test binaries up to the repository root.</summary>
internal static class CtInit
{
    private static readonly Lazy<string> Located = new(Locate);

    public static string Path => Located.Value;

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(System.IO.Path.Combine(dir.FullName, "Tools.sln"))) continue;
            var candidate = System.IO.Path.Combine(dir.FullName, "out", "ContainerTools", "ctinit");
            if (File.Exists(candidate)) return candidate;
            throw new InvalidOperationException($"ctinit is missing at {candidate}: run ./build.sh before the runtime tests.");
        }
        throw new InvalidOperationException($"No repository root (Tools.sln) above {AppContext.BaseDirectory}.");
    }
}
