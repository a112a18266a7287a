using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Init;

/// <summary>The steps of exec that differ from a start: enter the running container's filesystem rather than build one.</summary>
internal static class ContainerJoin
{
    private const int ENOTDIR = 20;

    /// <summary>
    /// setns into the container's mount namespace. The kernel then sets this thread's root and cwd to the namespace's
    /// root as seen from inside (the mount on top of "/", i.e. the pivoted root), so no chroot is needed and no host
    /// directory stays reachable. setns(CLONE_NEWNS) needs an fs_struct of our own, hence unshare(CLONE_FS) first.
    /// </summary>
    public static void EnterMountNamespace(RuntimeSpec spec)
    {
        var mount = spec.Linux.Namespaces.FirstOrDefault(ns => ns.Type == "mount" && !string.IsNullOrEmpty(ns.Path))
            ?? throw new InitFailure(InitFailure.EINVAL, "exec needs the container's mount namespace path");
        Namespaces.Enter([(NamespaceKind.Mount, mount.Path!)], unshareFlags: 0);
    }

    public static void EnterWorkingDirectory(string cwd)
    {
        try { Directory.SetCurrentDirectory(cwd); }
        catch (DirectoryNotFoundException) { throw new InitFailure(InitFailure.ENOENT, $"chdir to cwd (\"{cwd}\"): no such file or directory"); }
        catch (IOException ex) { throw new InitFailure(ENOTDIR, $"chdir to cwd (\"{cwd}\"): {ex.Message}"); }
    }
}
