using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.Runtime.Images;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Storage;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Lifecycle;

/// <summary>
/// A fresh store root with a busybox image, and a ContainerStore using the built helpers. Dispose force-removes
/// every container and checks that nothing is left mounted under the root before deleting it.
/// </summary>
public sealed class ContainerHost : IDisposable
{
    public ContainerHost()
    {
        RootPath = Directory.CreateTempSubdirectory("ct-life-").FullName;
        Root = new StoreRoot(RootPath);
        Images = new ImageStore(Root);
        var archive = Path.Combine(RootPath, "busybox.tar");
        TestImages.BuildDockerArchive(archive, "busybox:latest");
        Images.Import(archive, null);
        File.Delete(archive);
        Store = NewStore();
    }

    public string RootPath { get; }
    public StoreRoot Root { get; }
    public ImageStore Images { get; }
    public ContainerStore Store { get; }

    /// <summary>Another engine instance on the same root, as a second PowerShell session would have.</summary>
    public ContainerStore NewStore() => new(Root, new ImageStore(Root), new ContainerStoreOptions
    {
        MonitorPath = HelperBinaries.Monitor,
        InitPath = HelperBinaries.Init,
        CleanupPath = HelperBinaries.Cleanup,
    });

    public Container Run(params string[] command) => Run(new ContainerCreateOptions { Image = "busybox", Command = command });

    public Container Run(ContainerCreateOptions options)
    {
        var created = Store.Create(options);
        return Store.Start(created.Id);
    }

    public string Output(Container container) =>
        string.Concat(Store.Logs(container.Id).Select(e => e.Text));

    public void Dispose()
    {
        var leftovers = new List<string>();
        foreach (var container in new ContainerStore(Root, Images).List())
        {
            try { Store.Remove(container.Id, force: true); }
            catch (Exception ex) { leftovers.Add($"{container.Name}: {ex.Message}"); }
        }
        var mounts = OverlayMount.MountsUnder(RootPath);
        foreach (var mount in mounts) OverlayMount.Unmount(mount);
        if (mounts.Count == 0)
        {
            try { Directory.Delete(RootPath, recursive: true); }
            catch (IOException ex)
            {
                var left = Directory.Exists(Root.ContainersDirectory) ? Directory.GetFileSystemEntries(Root.ContainersDirectory, "*", SearchOption.AllDirectories) : [];
                throw new IOException($"{ex.Message}; left: {string.Join(", ", left)}", ex);
            }
        }
        Assert.True(leftovers.Count == 0, string.Join("\n", leftovers));
        Assert.Empty(mounts);
    }
}
