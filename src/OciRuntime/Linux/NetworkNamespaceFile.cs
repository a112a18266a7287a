using System.Runtime.ExceptionServices;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// A network namespace kept alive by a bind mount of its nsfs file (what `ip netns add` does), so it exists before the
/// container's process and outlives it until the engine has torn its network down.
/// </summary>
public static class NetworkNamespaceFile
{
    /// <summary>Creates a new, empty network namespace and bind-mounts it on <paramref name="path"/> (an empty file is made).</summary>
    public static void Create(string path)
    {
        using (File.Create(path)) { }
        ExceptionDispatchInfo? failure = null;
        // unshare changes the calling thread's namespace: a dedicated thread does it and ends, leaving no thread altered.
        var thread = new Thread(() =>
        {
            try
            {
                Namespaces.Unshare(Namespaces.CloneFlag(NamespaceKind.Network));
                Mounts.Bind($"/proc/thread-self/ns/net", path, recursive: false);
            }
            catch (Exception ex) { failure = ExceptionDispatchInfo.Capture(ex); }
        }, maxStackSize: 256 * 1024) { IsBackground = true, Name = "ContainerTools netns" };
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            try { File.Delete(path); } catch (IOException) { }
            failure.Throw();
        }
    }

    public static bool Exists(string path) => File.Exists(path) && OverlayMount.IsMountPoint(path);

    private const long NsfsMagic = 0x6e736673;

    /// <summary>
    /// Whether <paramref name="path"/> is a namespace (a bind mount of one, or /proc/PID/ns/net): after a reboot a netns
    /// file is still there, but only as the empty file its mount was made on.
    /// </summary>
    public static bool IsNamespace(string path)
    {
        try { return Mounts.FileSystemType(path) == NsfsMagic; }
        catch (SystemCallException) { return false; }
    }

    /// <summary>Unmounts (the namespace dies with its last user) and deletes the file; nothing to do is fine.</summary>
    public static void Remove(string path)
    {
        OverlayMount.Unmount(path);
        try { File.Delete(path); } catch (DirectoryNotFoundException) { }
    }
}
