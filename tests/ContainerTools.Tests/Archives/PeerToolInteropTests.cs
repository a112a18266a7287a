using System.Text.Json;
using ContainerTools.Runtime.Images;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Archives;

/// <summary>Archives written by umoci, skopeo and podman import; archives we export are read by skopeo and podman.</summary>
public sealed class PeerToolInteropTests : IDisposable
{
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    private static string Skopeo(params string[] arguments) => TestImages.Run("skopeo", ["--insecure-policy", .. arguments]);

    [Fact]
    public void ImportsAnOciLayoutBuiltByUmoci()
    {
        // umoci insert writes layer tars without their end padding (GNU tar rejects them too), so build by unpack + repack.
        var layout = _store.PathFor("umoci-layout");
        var bundle = _store.PathFor("umoci-bundle");
        TestImages.Run("umoci", "init", "--layout", layout);
        TestImages.Run("umoci", "new", "--image", layout + ":latest");
        TestImages.Run("umoci", "unpack", "--image", layout + ":latest", bundle);
        Directory.CreateDirectory(Path.Combine(bundle, "rootfs", "bin"));
        File.Copy(TestImages.BusyboxBinary, Path.Combine(bundle, "rootfs", "bin", "busybox"));
        TestImages.Run("umoci", "repack", "--image", layout + ":latest", bundle);
        ContainerTools.Runtime.Storage.DirectoryRemover.Remove(bundle);
        TestImages.Run("umoci", "unpack", "--image", layout + ":latest", bundle);
        Directory.CreateDirectory(Path.Combine(bundle, "rootfs", "etc"));
        File.WriteAllText(Path.Combine(bundle, "rootfs", "etc", "umoci"), "from umoci\n");
        TestImages.Run("umoci", "repack", "--image", layout + ":latest", bundle);
        TestImages.Run("umoci", "config", "--image", layout + ":latest", "--config.cmd", "/bin/busybox", "--config.cmd", "true");

        var image = Assert.Single(_store.Images.Import(layout, null));

        // umoci names the manifest by a bare tag ("latest"): no repository, so the image is imported without a name.
        Assert.Empty(image.Names);
        Assert.Equal(2, image.Layers.Count);
        Assert.Equal(["/bin/busybox", "true"], image.Config.Config!.Cmd!);
        var dirs = _store.Images.LayerDirectories(image);
        Assert.True(File.Exists(Path.Combine(dirs[0], "bin", "busybox")));
        Assert.Equal("from umoci\n", File.ReadAllText(Path.Combine(dirs[1], "etc", "umoci")));
        Assert.All(image.Layers, l => Assert.Equal("application/vnd.oci.image.layer.v1.tar+gzip", l.MediaType));
        Assert.Equal(image.Id, _store.Images.Resolve(image.ShortId).Id);
    }

    [Fact]
    public void ImportsOciArchiveAndDockerArchiveWrittenBySkopeo()
    {
        var ours = _store.PathFor("ours.tar");
        var ociArchive = _store.PathFor("skopeo-oci.tar");
        var dockerArchive = _store.PathFor("skopeo-docker.tar");
        TestImages.BuildDockerArchive(ours, "busybox:latest");
        Skopeo("copy", "docker-archive:" + ours, "oci-archive:" + ociArchive + ":busybox:latest");
        Skopeo("copy", "--additional-tag", "example.org/tools/box:2", "oci-archive:" + ociArchive, "docker-archive:" + dockerArchive + ":busybox:1");

        var fromOci = Assert.Single(_store.Images.Import(ociArchive, null));
        var fromDocker = Assert.Single(_store.Images.Import(dockerArchive, null));

        var expected = TestImages.Hex(TestImages.BusyboxRootfsTarBytes());
        Assert.Equal("docker.io/library/busybox:latest", Assert.Single(fromOci.Names).ToString());
        Assert.Equal("sha256:" + expected, fromOci.Layers[0].DiffId);
        Assert.Equal(fromOci.Config.RootFs.DiffIds, fromDocker.Config.RootFs.DiffIds);
        Assert.Contains(fromDocker.Names, n => n.ToString() == "docker.io/library/busybox:1");
        Assert.Contains(fromDocker.Names, n => n.ToString() == "example.org/tools/box:2");
        Assert.Equal(2, _store.Images.Layers.List().Count());
        Assert.Equal("default\n", File.ReadAllText(Path.Combine(_store.Images.LayerDirectories(fromDocker)[1], "etc", "marker")));
    }

    [Fact]
    public void ExportedDockerArchiveIsReadBySkopeoAndLoadedByPodman()
    {
        var source = _store.PathFor("source.tar");
        TestImages.BuildDockerArchive(source, [new TestImage(["busybox:latest"], "podman")], gzipLayers: true);
        var image = Assert.Single(_store.Images.Import(source, null));
        var exported = _store.PathFor("exported-docker.tar");

        _store.Images.Export(["busybox"], exported, ArchiveFormat.DockerArchive, null);

        using var inspect = JsonDocument.Parse(Skopeo("inspect", "docker-archive:" + exported));
        Assert.Equal(image.Layers.Select(l => l.DiffId), inspect.RootElement.GetProperty("Layers").EnumerateArray().Select(e => e.GetString()));
        using var config = JsonDocument.Parse(Skopeo("inspect", "--config", "docker-archive:" + exported));
        Assert.Equal("podman", config.RootElement.GetProperty("config").GetProperty("Labels").GetProperty("test.marker").GetString());

        var podmanRoot = _store.PathFor("podman-root");
        var podmanRunRoot = _store.PathFor("podman-runroot");
        var podmanTmp = _store.PathFor("podman-tmp");
        Directory.CreateDirectory(podmanTmp);
        string[] podman = ["--root", podmanRoot, "--runroot", podmanRunRoot, "--tmpdir", podmanTmp, "--storage-driver", "vfs", "--events-backend", "none"];
        try
        {
            var loaded = TestImages.Run("podman", [.. podman, "load", "-i", exported]);
            Assert.Contains("docker.io/library/busybox:latest", loaded);
            var ids = TestImages.Run("podman", [.. podman, "images", "--no-trunc", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}"]);
            Assert.Contains(image.Id["sha256:".Length..] + " docker.io/library/busybox:latest", ids.Replace("sha256:", ""));
        }
        finally
        {
            try
            {
                TestImages.Run("podman", [.. podman, "rmi", "-a", "-f"]);
            }
            finally
            {
                ContainerTools.Runtime.Storage.DirectoryRemover.TryRemove(podmanRoot);
                ContainerTools.Runtime.Storage.DirectoryRemover.TryRemove(podmanRunRoot);
            }
        }
    }

    [Fact]
    public void ExportedOciArchiveIsCopiedBySkopeoAndImportsBack()
    {
        var source = _store.PathFor("source.tar");
        TestImages.BuildDockerArchive(source, "localhost:5000/team/app:v1");
        var image = Assert.Single(_store.Images.Import(source, null));
        var exported = _store.PathFor("exported-oci.tar");
        var copied = _store.PathFor("skopeo-oci-dir");

        _store.Images.Export([image.Id], exported, ArchiveFormat.OciArchive, null);
        Skopeo("copy", "oci-archive:" + exported, "oci:" + copied + ":copied");

        using var inspect = JsonDocument.Parse(Skopeo("inspect", "oci:" + copied + ":copied"));
        Assert.Equal(2, inspect.RootElement.GetProperty("Layers").GetArrayLength());
        using var fresh = new TempStore();
        var back = Assert.Single(fresh.Images.Import(exported, null));
        Assert.Equal(image.Id, back.Id);
        Assert.Equal("localhost:5000/team/app:v1", Assert.Single(back.Names).ToString());
        var viaSkopeo = Assert.Single(fresh.Images.Import(copied, null));
        Assert.Equal(image.Id, viaSkopeo.Id);
    }
}
