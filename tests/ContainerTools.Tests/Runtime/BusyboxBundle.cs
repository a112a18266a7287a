using ContainerTools.Runtime.Containers.Bundle;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Tests.Runtime;

/// <summary>A bundle in a fresh temp dir whose rootfs is a static busybox with its applets; deleted on Dispose.</summary>
internal sealed class BusyboxBundle : IDisposable
{
    private static readonly string[] Applets =
    [
        "sh", "cat", "ls", "echo", "sleep", "hostname", "id", "grep", "mount", "ps", "true", "false", "wc", "pwd",
        "touch", "env", "kill", "head", "mkdir", "readlink",
    ];

    public BusyboxBundle()
    {
        Root = Directory.CreateTempSubdirectory("ct-runtime-").FullName;
        BundlePath = Path.Combine(Root, "bundle");
        RootfsPath = Path.Combine(BundlePath, "rootfs");
        foreach (var dir in new[] { "bin", "etc", "proc", "sys", "dev", "tmp" }) Directory.CreateDirectory(Path.Combine(RootfsPath, dir));
        File.Copy("/bin/busybox", Path.Combine(RootfsPath, "bin", "busybox"));
        foreach (var applet in Applets) File.CreateSymbolicLink(Path.Combine(RootfsPath, "bin", applet), "busybox");
        File.WriteAllText(Path.Combine(RootfsPath, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n");
        File.WriteAllText(Path.Combine(RootfsPath, "etc", "group"), "root:x:0:\nwheel:x:10:user\nuser:x:1000:\n");
    }

    public string Root { get; }
    public string BundlePath { get; }
    public string RootfsPath { get; }

    public void Write(RuntimeSpec spec) => BundleWriter.Write(BundlePath, spec);

    /// <summary>Docker's default spec running <c>sh -c SCRIPT</c>.</summary>
    public static RuntimeSpec Shell(string script, string hostname = "ct-test") =>
        RuntimeSpecDefaults.Create(["sh", "-c", script], hostname);

    public void Dispose()
    {
        // Every mount ctinit made lives in the container's mount namespace, which went away with its last process.
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
