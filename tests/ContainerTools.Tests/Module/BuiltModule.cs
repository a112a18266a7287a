namespace ContainerTools.Tests.Module;

/// <summary>
/// The module folder ./build.sh publishes (out/ContainerTools); the module tests load it as a user would, and run
/// scripts with the pwsh it publishes beside it (out/pwsh/pwsh).
/// </summary>
public static class BuiltModule
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Pwsh
    {
        get
        {
            var path = Path.Combine(RepositoryRoot, "out", "pwsh", "pwsh");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"{path} is missing: run ./build.sh before the module tests.");
            }
            return path;
        }
    }

    public static string Folder
    {
        get
        {
            var folder = Path.Combine(RepositoryRoot, "out", "ContainerTools");
            if (!File.Exists(Path.Combine(folder, "ContainerTools.psd1")) || !File.Exists(Path.Combine(folder, "ContainerTools.dll")))
            {
                throw new InvalidOperationException($"The module is not built: {folder} has no ContainerTools.psd1/.dll. Run ./build.sh before the module tests.");
            }
            return folder;
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tools.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Tools.sln above {AppContext.BaseDirectory}: cannot find the repository root.");
    }
}
