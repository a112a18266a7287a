using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Init;

/// <summary>execvp's search, done inside the container with the container's own PATH (not ctinit's, which is empty).</summary>
internal static class ExecutableLookup
{
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static string Find(string name, IReadOnlyList<string> env)
    {
        if (name.Contains('/'))
        {
            if (!File.Exists(name) && !Directory.Exists(name)) throw new InitFailure(InitFailure.ENOENT, $"exec: \"{name}\": no such file or directory");
            return name;
        }
        var path = env.LastOrDefault(variable => variable.StartsWith("PATH=", StringComparison.Ordinal))?[5..] ?? DefaultPath;
        foreach (var directory in path.Split(':'))
        {
            var candidate = Path.Combine(directory.Length == 0 ? "." : directory, name);
            if (Execution.IsExecutableFile(candidate)) return candidate;
        }
        throw new InitFailure(InitFailure.ENOENT, $"exec: \"{name}\": executable file not found in $PATH");
    }
}
