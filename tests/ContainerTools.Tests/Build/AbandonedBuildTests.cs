using ContainerTools.Runtime.Build;
using ContainerTools.Runtime.Build.Layers;
using ContainerTools.Runtime.Containers;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Maintenance;

namespace ContainerTools.Tests.Build;

/// <summary>What a build killed outright leaves (its staging directory with a COPY overlay mounted, a RUN container) goes at the next build or a store reset; a live build's staging is left alone.</summary>
public sealed class AbandonedBuildTests : IDisposable
{
    private readonly BuildHost _host = new();

    public void Dispose() => _host.Dispose();

    /// <summary>What a build killed mid-step leaves: tmp/build-ID with an overlay mounted in it and no live owner, and its RUN container.</summary>
    private (string Directory, string Container) LeaveKilledBuild()
    {
        var dir = Path.Combine(_host.Host.Root.TempDirectory, "build-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var busybox = _host.Host.Images.Resolve("busybox");
        LayerMount.Mount(_host.Host.Images.LayerDirectories(busybox), dir);
        var container = _host.Host.Store.Create(new ContainerCreateOptions
        {
            Image = busybox.Id,
            Command = ["true"],
            Network = "none",
            Labels = new Dictionary<string, string> { [BuildStaging.OwnerLabel] = Path.GetFileName(dir) },
        });
        Assert.NotEmpty(OverlayMount.MountsUnder(dir));
        return (dir, container.Id);
    }

    [Fact]
    public void The_next_build_removes_a_killed_builds_mounts_directory_and_container_but_not_a_live_builds()
    {
        var (dir, container) = LeaveKilledBuild();
        using var live = BuildStaging.Create(_host.Host.Store);

        _host.Build("FROM busybox\nRUN echo after > /after\n");

        Assert.False(Directory.Exists(dir));
        Assert.Empty(OverlayMount.MountsUnder(_host.Host.RootPath));
        Assert.Null(_host.Host.Store.TryResolve(container));
        Assert.True(Directory.Exists(live.Path));
        Assert.Equal([Path.GetFileName(live.Path), Path.GetFileName(live.Path) + ".lock"],
            Directory.EnumerateFileSystemEntries(_host.Host.Root.TempDirectory).Select(Path.GetFileName).Where(n => n!.StartsWith("build-")).Order());
    }

    [Fact]
    public void A_store_reset_removes_a_killed_builds_leftovers()
    {
        var (dir, _) = LeaveKilledBuild();

        var reset = new StoreReset(_host.Host.Store).Reset();

        Assert.Empty(reset.Failures);
        Assert.False(Directory.Exists(dir));
        Assert.Empty(OverlayMount.MountsUnder(_host.Host.RootPath));
        Assert.Empty(_host.Host.Store.List());
    }
}
