using System.Diagnostics.CodeAnalysis;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.OciRuntime.Launch;

/// <summary>
/// Finds one of the helpers build.sh publishes next to the engine: ctinit, which becomes each container's PID 1 until
/// it execs the container's program, ctmon, the per-container monitor (both NativeAOT), and ctcleanup, the engine's
/// front end the monitor runs once the container has exited (docs/processes.md).
/// </summary>
public sealed class HelperBinary
{
    public static readonly HelperBinary Init = new("ctinit", "CONTAINERTOOLS_INIT", ErrorIds.InitNotFound, "container init helper");
    public static readonly HelperBinary Monitor = new("ctmon", "CONTAINERTOOLS_MONITOR", ErrorIds.MonitorNotFound, "container monitor");
    public static readonly HelperBinary Cleanup = new("ctcleanup", "CONTAINERTOOLS_CLEANUP", ErrorIds.CleanupNotFound, "container exit clean-up");

    public string FileName { get; }
    public string EnvironmentVariable { get; }
    private readonly ErrorId notFoundErrorId;
    private readonly string description;

    private HelperBinary(string fileName, string environmentVariable, ErrorId notFoundErrorId, string description)
    {
        FileName = fileName;
        EnvironmentVariable = environmentVariable;
        this.notFoundErrorId = notFoundErrorId;
        this.description = description;
    }

    /// <summary>An explicit path wins, then the environment variable, then the file beside the engine assembly or the app.</summary>
    public string Locate(string? explicitPath = null)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(explicitPath)) candidates.Add(explicitPath);
        else
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrEmpty(fromEnvironment)) candidates.Add(fromEnvironment);
            else
            {
                var besideAssembly = BesideEngineAssembly();
                if (besideAssembly is not null) candidates.Add(besideAssembly);
                candidates.Add(Path.Combine(AppContext.BaseDirectory, FileName));
            }
        }
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        throw new ContainerToolsException(notFoundErrorId,
            $"The {description} '{FileName}' was not found (looked at: {string.Join(", ", candidates)}). Run ./build.sh, or set {EnvironmentVariable}.",
            FileName);
    }

    // A PowerShell host loads ContainerTools.OciRuntime.dll from the module folder, not from AppContext.BaseDirectory.
    // In a NativeAOT helper (ctmon) the assembly has no file, Location is empty, and AppContext.BaseDirectory covers it.
    [UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "An empty Location is skipped; AppContext.BaseDirectory is the next candidate.")]
    private string? BesideEngineAssembly()
    {
        var directory = Path.GetDirectoryName(typeof(HelperBinary).Assembly.Location);
        return string.IsNullOrEmpty(directory) ? null : Path.Combine(directory, FileName);
    }
}
