using ContainerTools.OciRuntime.Spec;
using ContainerTools.Runtime.Security.UserNamespaces;

namespace ContainerTools.Tests.Confinement;

/// <summary>-UserNamespace auto's arithmetic: the 'containers' lines of an /etc/subuid-style file, and the lowest free block.</summary>
public sealed class SubordinateIdsTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    private static IdMappingSpec Taken(uint host, uint size) => new() { ContainerId = 0, HostId = host, Size = size };

    [Fact]
    public void OnlyTheContainersUsersLinesCountAndWithoutThemPodmansRangeIsUsed()
    {
        File.WriteAllText(_file, "alice:100000:65536\ncontainers:200000:100000\n# comment\ncontainers:bad:1\ncontainers:500000:65536\n");

        Assert.Equal([(200000u, 100000u), (500000u, 65536u)], SubordinateIds.Ranges(_file));
        File.WriteAllText(_file, "alice:100000:65536\n");
        Assert.Equal([SubordinateIds.DefaultRange], SubordinateIds.Ranges(_file));
        Assert.Equal([SubordinateIds.DefaultRange], SubordinateIds.Ranges(_file + ".missing"));
    }

    [Fact]
    public void TheLowestFreeBlockIsChosenAcrossRanges()
    {
        (uint, uint)[] ranges = [(200000, 100000), (500000, 65536)];

        Assert.Equal(200000u, SubordinateIds.FirstFree(ranges, [], 65536));
        // A gap too small is skipped; the next block starts where the taken one ends.
        Assert.Equal(265536u, SubordinateIds.FirstFree(ranges, [Taken(200000, 65536)], 1000));
        Assert.Equal(500000u, SubordinateIds.FirstFree(ranges, [Taken(200000, 65536)], 65536));
        Assert.Equal(200000u, SubordinateIds.FirstFree(ranges, [Taken(210000, 10)], 10000));
        Assert.Null(SubordinateIds.FirstFree(ranges, [Taken(200000, 100000), Taken(500000, 1)], 65536));
    }
}
