using ContainerTools.Runtime.Errors;

namespace ContainerTools.Runtime.Containers.Launch;

/// <summary>Finds ctinit, the NativeAOT helper that becomes each container's PID 1 until it execs the container's program.</summary>
public static class InitBinary
{
    public const string FileName = "ctinit";
    public const string EnvironmentVariable = "CONTAINERTOOLS_INIT";

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
                var assemblyDirectory = Path.GetDirectoryName(typeof(InitBinary).Assembly.Location);
                if (!string.IsNullOrEmpty(assemblyDirectory)) candidates.Add(Path.Combine(assemblyDirectory, FileName));
                candidates.Add(Path.Combine(AppContext.BaseDirectory, FileName));
            }
        }
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        throw new ContainerToolsException(ErrorKind.NotFound, "InitNotFound",
            $"The container init helper '{FileName}' was not found (looked at: {string.Join(", ", candidates)}). Run ./build.sh, or set {EnvironmentVariable}.",
            FileName);
    }
}
