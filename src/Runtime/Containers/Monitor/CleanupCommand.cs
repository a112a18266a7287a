using System.Runtime.InteropServices;
using ContainerTools.Runtime.Storage;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.OciRuntime.Monitor;

namespace ContainerTools.Runtime.Containers.Monitor;

/// <summary>
/// ctcleanup's command line, which the monitor runs once the container has exited (docs/processes.md):
/// <c>ctcleanup --root STORE [--cni-plugin-dir DIR]... ID</c>, with PATH (the CNI plugins run iptables) and, when
/// the engine runs on a shared .NET install, DOTNET_ROOT, so the framework-dependent ctcleanup finds the same runtime.
/// </summary>
public static class CleanupCommand
{
    public const string RootOption = "--root";
    public const string PluginDirectoryOption = "--cni-plugin-dir";

    internal static ExitCommand For(StoreRoot root, string containerId, ContainerStoreOptions options)
    {
        var argv = new List<string> { HelperBinary.Cleanup.Locate(options.CleanupPath), RootOption, root.Path };
        foreach (var directory in options.CniPluginDirectories ?? []) argv.AddRange([PluginDirectoryOption, directory]);
        argv.Add(containerId);
        var environment = new List<string> { "PATH=" + (System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") };
        if (DotnetRoot() is { } dotnetRoot) environment.Add("DOTNET_ROOT=" + dotnetRoot);
        return new ExitCommand(argv, environment);
    }

    /// <summary>The install the engine runs on: DOTNET_ROOT/shared/Microsoft.NETCore.App/VERSION/ holds its runtime.</summary>
    private static string? DotnetRoot()
    {
        var fromEnvironment = System.Environment.GetEnvironmentVariable("DOTNET_ROOT");
        return !string.IsNullOrEmpty(fromEnvironment) ? fromEnvironment : RunningInstall.Value;
    }

    // The process's runtime does not move: found once, not at every start.
    private static readonly Lazy<string?> RunningInstall = new(InstallOfRunningRuntime);

    private static string? InstallOfRunningRuntime()
    {
        var runtime = new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory());
        var root = runtime.Parent?.Parent?.Parent;
        return runtime.Parent?.Name == "Microsoft.NETCore.App" && root is not null && File.Exists(Path.Combine(root.FullName, "dotnet"))
            ? root.FullName
            : null;
    }
}
