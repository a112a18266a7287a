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
            if (!File.Exists(candidate))
                throw new InvalidOperationException($"ctinit is missing at {candidate}: run ./build.sh before the runtime tests.");
            // A ctinit older than its sources speaks an old launcher protocol: fail with the reason, not with odd errors.
            var newest = Sources(dir.FullName).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
            if (newest is not null && File.GetLastWriteTimeUtc(newest) > File.GetLastWriteTimeUtc(candidate))
                throw new InvalidOperationException($"{candidate} is older than {newest}: run ./build.sh before the runtime tests.");
            return candidate;
        }
        throw new InvalidOperationException($"No repository root (Tools.sln) above {AppContext.BaseDirectory}.");
    }

    /// <summary>The files ctinit is compiled from: its own and the low-level library's (see src/Init/ContainerTools.Init.csproj).</summary>
    private static IEnumerable<string> Sources(string repository)
    {
        string In(string relative) => System.IO.Path.Combine(repository, relative);
        return Directory.EnumerateFiles(In("src/Init"), "*.cs*", SearchOption.TopDirectoryOnly)
            .Concat(Directory.EnumerateFiles(In("src/OciRuntime"), "*.cs", SearchOption.AllDirectories))
            .Where(p => !p.Contains($"{System.IO.Path.DirectorySeparatorChar}obj{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal) &&
                        !p.Contains($"{System.IO.Path.DirectorySeparatorChar}bin{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Append(In("src/OciRuntime/ContainerTools.OciRuntime.csproj"))
            .Where(File.Exists);
    }
}
