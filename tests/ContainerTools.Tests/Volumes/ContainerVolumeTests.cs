using ContainerTools.Runtime.Containers;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Tests.Lifecycle;

namespace ContainerTools.Tests.Volumes;

/// <summary>Volumes, binds and tmpfs mounts of real containers (loopback-only network).</summary>
public sealed class ContainerVolumeTests
{
    [Fact]
    public void ReadOnlyBindRejectsWritesTmpfsIsMountedAndANamedVolumeOutlivesItsContainers()
    {
        using var containers = new ContainerHost();
        var hostDir = Path.Combine(containers.RootPath, "shared");
        Directory.CreateDirectory(hostDir);
        File.WriteAllText(Path.Combine(hostDir, "in.txt"), "from-host");

        var first = containers.Run(new ContainerCreateOptions
        {
            Image = "busybox",
            Volumes = ["data:/data", $"{hostDir}:/ro:ro"],
            Tmpfs = ["/scratch"],
            Command = ["sh", "-c", "echo kept > /data/f; cat /ro/in.txt; echo; touch /ro/x 2>/dev/null && echo WROTE || echo READONLY; grep ' /scratch tmpfs ' /proc/mounts | cut -d' ' -f3; echo t > /scratch/t && cat /scratch/t"],
        });
        Assert.Equal(0, containers.Store.Wait(first.Id, TimeSpan.FromSeconds(30)));
        Assert.Equal("from-host\nREADONLY\ntmpfs\nt\n", containers.Output(first));
        Assert.False(File.Exists(Path.Combine(hostDir, "x")));
        Assert.Equal([first.Id], containers.Store.Volumes.Users("data"));
        containers.Store.Remove(first.Id);
        Assert.Empty(containers.Store.Volumes.Users("data"));

        var second = containers.Run(new ContainerCreateOptions { Image = "busybox", Mounts = ["type=volume,source=data,target=/again"], Command = ["cat", "/again/f"] });
        Assert.Equal(0, containers.Store.Wait(second.Id, TimeSpan.FromSeconds(30)));
        Assert.Equal("kept\n", containers.Output(second));
        var inUse = Assert.Throws<ContainerToolsException>(() => containers.Store.Volumes.Remove("data"));
        Assert.Equal("VolumeInUse", inUse.ErrorId);
        containers.Store.Remove(second.Id);
        containers.Store.Volumes.Remove("data");
        Assert.Empty(containers.Store.Volumes.List());
    }

    [Fact]
    public void TheContainerSeesItsOwnHostnameAndHostsFiles()
    {
        using var containers = new ContainerHost();
        var c = containers.Run(new ContainerCreateOptions { Image = "busybox", Name = "named", Hostname = "box", Network = "none", Command = ["sh", "-c", "cat /etc/hostname; grep -c 'box named' /etc/hosts"] });
        Assert.Equal(0, containers.Store.Wait(c.Id, TimeSpan.FromSeconds(30)));
        Assert.Equal("box\n1\n", containers.Output(c));
    }

    [Fact]
    public void AMountThroughASymlinkOfTheImageStaysInsideTheRootFilesystem()
    {
        using var containers = new ContainerHost();
        var source = Path.Combine(containers.RootPath, "src");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "in.txt"), "inside");
        var escape = Path.Combine(Path.GetTempPath(), $"ct-escape-{Guid.NewGuid():N}");
        var created = containers.Store.Create(new ContainerCreateOptions
        {
            Image = "busybox", Network = "none", Volumes = [$"{source}:/evil/inner", $"{source}:/up/inner"],
            Command = ["sh", "-c", $"cat /evil/inner/in.txt; echo; cat {escape}/inner/in.txt; echo; cat /up/inner/in.txt"],
        });
        // What a hostile image layer would hold: links aiming out of the root, absolute and relative.
        File.CreateSymbolicLink(Path.Combine(created.Paths.UpperDirectory, "evil"), escape);
        File.CreateSymbolicLink(Path.Combine(created.Paths.UpperDirectory, "up"), "../../../../../../../../.." + escape + "-rel");
        containers.Store.Start(created.Id);
        Assert.Equal(0, containers.Store.Wait(created.Id, TimeSpan.FromSeconds(30)));
        Assert.Equal("inside\ninside\ninside", containers.Output(created).TrimEnd());
        Assert.False(Directory.Exists(escape));
        Assert.False(Directory.Exists(escape + "-rel"));
    }
}
