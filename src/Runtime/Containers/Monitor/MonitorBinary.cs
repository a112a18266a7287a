using ContainerTools.Runtime.Errors;

namespace ContainerTools.Runtime.Containers.Monitor;

/// <summary>Finds ctmon, the NativeAOT per-container monitor, the same way the launcher finds ctinit.</summary>
public static class MonitorBinary
{
    public const string FileName = "ctmon";
    public const string EnvironmentVariable = "CONTAINERTOOLS_MONITOR";

    public static string Locate(string? explicitPath = null)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(explicitPath)) candidates.Add(explicitPath);
        else
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrEmpty(fromEnvironment)) candidates.Add(fromEnvironment);
            else
            {
                var assemblyDirectory = Path.GetDirectoryName(AppContext.BaseDirectory);
                var location = typeof(MonitorBinary).Assembly.Location;
                if (!string.IsNullOrEmpty(location)) candidates.Add(Path.Combine(Path.GetDirectoryName(location)!, FileName));
                if (!string.IsNullOrEmpty(assemblyDirectory)) candidates.Add(Path.Combine(assemblyDirectory, FileName));
            }
        }
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        throw new ContainerToolsException(ErrorKind.NotFound, "MonitorNotFound",
            $"The container monitor '{FileName}' was not found (looked at: {string.Join(", ", candidates)}). Run ./build.sh, or set {EnvironmentVariable}.",
            FileName);
    }
}
