using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Build;

/// <summary>
/// Debian's buildah with a storage root of its own in a temp directory (vfs driver, chroot isolation: no cgroups, no
/// runtime, nothing left on the host). Dispose removes its containers, images and directories.
/// </summary>
public sealed class Buildah : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ct-buildah-").FullName;

    private string[] Global => ["--root", Path.Combine(_directory, "root"), "--runroot", Path.Combine(_directory, "runroot"), "--storage-driver", "vfs"];

    public string Run(params string[] arguments) => TestImages.Run("buildah", [.. Global, .. arguments]);

    /// <summary>Loads a docker-archive (our busybox test image) into buildah's store.</summary>
    public void Load(string archive) => Run("pull", "-q", "docker-archive:" + archive);

    /// <summary>buildah bud --layers on the context; returns the path of the built image as a docker-archive.</summary>
    public string Build(string context, string tag, params string[] extra)
    {
        Run(["bud", "--layers", "--pull-never", "--isolation", "chroot", "--format", "docker", "-q", "-t", tag, .. extra, context]);
        var archive = Path.Combine(_directory, tag.Replace(':', '-').Replace('/', '-') + ".tar");
        Run("push", "-q", tag, $"docker-archive:{archive}:buildah-{tag}");
        return archive;
    }

    public void Dispose()
    {
        try
        {
            Run("rm", "--all");
            Run("rmi", "--all", "--force");
        }
        catch (InvalidOperationException)
        {
            // nothing to remove, or a broken store: the directory goes anyway
        }
        Directory.Delete(_directory, recursive: true);
    }
}
