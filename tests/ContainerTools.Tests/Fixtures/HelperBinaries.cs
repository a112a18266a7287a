using System.Diagnostics;

namespace ContainerTools.Tests.Fixtures;

/// <summary>
/// The helpers (ctmon, ctinit, ctcleanup) for tests: $CONTAINERTOOLS_MONITOR / $CONTAINERTOOLS_INIT / $CONTAINERTOOLS_CLEANUP, else what ./build.sh
/// put in out/ContainerTools, else out/obj/{monitor,init}, else published there once (under a lock, for parallel runs).
/// </summary>
public static class HelperBinaries
{
    private static readonly Lazy<string> MonitorLazy = new(() => Locate("CONTAINERTOOLS_MONITOR", "ctmon", "src/Monitor/ContainerTools.Monitor.csproj", "monitor"));
    private static readonly Lazy<string> InitLazy = new(() => Locate("CONTAINERTOOLS_INIT", "ctinit", "src/Init/ContainerTools.Init.csproj", "init"));
    private static readonly Lazy<string> CleanupLazy = new(() => Locate("CONTAINERTOOLS_CLEANUP", "ctcleanup", "src/Cleanup/ContainerTools.Cleanup.csproj", "cleanup"));

    private static readonly Lazy<string> CtrunLazy = new(() => Locate("CONTAINERTOOLS_CTRUN", "ctrun", "src/Ctrun/ContainerTools.Ctrun.csproj", "ctrun"));

    public static string Monitor => MonitorLazy.Value;
    /// <summary>ctrun, the runc-compatible CLI (NativeAOT); it finds ctinit beside itself or through $CONTAINERTOOLS_INIT.</summary>
    public static string Ctrun => CtrunLazy.Value;
    public static string Init => InitLazy.Value;
    /// <summary>ctcleanup (framework-dependent, not NativeAOT), the exit hook ctmon runs.</summary>
    public static string Cleanup => CleanupLazy.Value;

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Tools.sln"))) return dir.FullName;
            }
            throw new InvalidOperationException("Tools.sln not found above the test assembly.");
        }
    }

    private static string Locate(string variable, string fileName, string project, string objName)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(fromEnvironment) && File.Exists(fromEnvironment)) return fromEnvironment;
        var repo = RepositoryRoot;
        var built = Path.Combine(repo, "out", "ContainerTools", fileName);
        if (File.Exists(built)) return built;
        var published = Path.Combine(repo, "out", "obj", objName, fileName);
        if (File.Exists(published)) return published;
        Directory.CreateDirectory(Path.Combine(repo, "out"));
        using var gate = new FileStream(Path.Combine(repo, "out", $".{objName}.publish.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        if (File.Exists(published)) return published;
        var psi = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "publish", Path.Combine(repo, project), "-c", "Release", "-r", "linux-x64", "-o", Path.GetDirectoryName(published)!, "-nologo", "-v", "q" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(published))
        {
            throw new InvalidOperationException($"Publishing {project} failed: {output.Result}{errors}");
        }
        return published;
    }
}
