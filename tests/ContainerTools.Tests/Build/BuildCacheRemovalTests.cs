using ContainerTools.Runtime.Build;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Tests.Build;

/// <summary>The build cache goes with the images: removing a built image takes the intermediates only it needed, a prune the rest.</summary>
public sealed class BuildCacheRemovalTests : IDisposable
{
    private readonly BuildHost _host = new();

    public void Dispose() => _host.Dispose();

    private int CacheEntries() =>
        Directory.Exists(_host.Host.Images.BuildCacheDirectory) ? Directory.EnumerateFiles(_host.Host.Images.BuildCacheDirectory).Count() : 0;

    private bool Stored(string id) => _host.Host.Images.TryResolve(id) is not null;

    private ContainerTools.Runtime.Images.Image Build(string dockerfile, string tag) =>
        _host.Build(dockerfile, new BuildOptions { ContextDirectory = _host.Context, Dockerfile = dockerfile, Tags = [tag] });

    [Fact]
    public void Removing_a_built_image_removes_the_intermediates_only_it_needed_and_their_cache_entries()
    {
        const string first = "FROM busybox\nRUN echo shared > /shared\nRUN echo a > /a\nCMD [\"cat\", \"/a\"]\n";
        const string second = "FROM busybox\nRUN echo shared > /shared\nRUN echo b > /b\n";
        var a = Build(first, "local/a:1");
        var b = Build(second, "local/b:1");
        Assert.Single(_host.Output.CacheHits);
        Assert.Equal(3, CacheEntries());
        var busybox = _host.Host.Images.Resolve("busybox");
        var aLayer = a.Layers[^1].DiffId;

        _host.Host.Images.Remove("local/a:1", force: false);

        Assert.False(Stored(a.Id));
        Assert.Equal(2, CacheEntries());
        Assert.False(_host.Host.Images.Layers.Exists(aLayer));
        Assert.True(Stored(busybox.Id));
        Assert.True(Stored(b.Id));
        // The shared step stays cached for b; a's own step runs again.
        Build(first, "local/a:1");
        Assert.Equal(["STEP 2/4: RUN echo shared > /shared"], _host.Output.CacheHits);

        // Removing b as well, then a, leaves only busybox and no cache.
        _host.Host.Images.Remove("local/b:1", force: false);
        _host.Host.Images.Remove("local/a:1", force: false);
        Assert.Equal(0, CacheEntries());
        Assert.Equal([busybox.Id], _host.Host.Images.List().Select(i => i.Id));
        Assert.Equal(busybox.Layers.Select(l => l.DiffId).Order(), Directory.EnumerateDirectories(Path.GetDirectoryName(_host.Host.Images.Layers.PathOf(busybox.Layers[0].DiffId))!)
            .Select(d => "sha256:" + Path.GetFileName(d)).Order());
    }

    [Fact]
    public void Removing_a_multi_stage_image_removes_its_builder_stage_too_and_keep_parents_keeps_them()
    {
        const string dockerfile = """
            FROM busybox AS builder
            RUN echo built > /out
            FROM busybox
            COPY --from=builder /out /out
            """;
        Build(dockerfile, "local/multi:1");
        Assert.Equal(2, CacheEntries());
        _host.Host.Images.Remove("local/multi:1", force: false, keepParents: true);
        Assert.Equal(2, CacheEntries());
        Build(dockerfile, "local/multi:1");
        Assert.Equal(2, _host.Output.CacheHits.Count);

        _host.Host.Images.Remove("local/multi:1", force: false);
        Assert.Equal(0, CacheEntries());
    }

    [Fact]
    public void Prune_removes_a_failed_builds_steps_and_dead_entries_but_not_what_built_images_need()
    {
        var kept = Build("FROM busybox\nRUN echo kept > /kept\n", "local/kept:1");
        Assert.Throws<ContainerToolsException>(() => Build("FROM busybox\nRUN echo half > /half\nRUN exit 1\n", "local/never:1"));
        Assert.Equal(2, CacheEntries());
        var orphanedLayers = Directory.EnumerateDirectories(Path.GetDirectoryName(_host.Host.Images.Layers.PathOf(kept.Layers[0].DiffId))!).Count();
        File.WriteAllText(Path.Combine(_host.Host.Images.BuildCacheDirectory, new string('0', 64)), "sha256:" + new string('1', 64));

        var pruned = _host.Host.Images.PruneBuildCache(all: false);

        Assert.Single(pruned.RemovedImages);
        Assert.Equal(2, pruned.RemovedEntries);
        Assert.Equal(1, CacheEntries());
        Assert.Equal(orphanedLayers - 1, Directory.EnumerateDirectories(Path.GetDirectoryName(_host.Host.Images.Layers.PathOf(kept.Layers[0].DiffId))!).Count());
        Assert.Equal("kept\n", _host.Run(kept, "cat", "/kept"));
        Build("FROM busybox\nRUN echo kept > /kept\n", "local/kept:1");
        Assert.Single(_host.Output.CacheHits);

        // Nothing left to prune; -All drops the entries but keeps the images the kept one was built from.
        Assert.Empty(_host.Host.Images.PruneBuildCache(all: false).RemovedImages);
        var all = _host.Host.Images.PruneBuildCache(all: true);
        Assert.Empty(all.RemovedImages);
        Assert.Equal(1, all.RemovedEntries);
        Assert.Equal(0, CacheEntries());
        Assert.Equal("kept\n", _host.Run(_host.Host.Images.Resolve("local/kept:1"), "cat", "/kept"));
    }

    [Fact]
    public void A_builds_held_steps_survive_a_prune_until_the_build_is_over_or_found_dead()
    {
        Assert.Throws<ContainerToolsException>(() => Build("FROM busybox\nRUN echo step > /step\nRUN exit 1\n", "local/never:1"));
        var step = File.ReadAllText(Directory.EnumerateFiles(_host.Host.Images.BuildCacheDirectory).Single()).Trim();
        // No hold is left by a build that ended.
        Assert.Empty(_host.Host.Images.Holders(step));

        // As a live build holds what its steps made (or took from the cache): a dead one is found by its released lock.
        var dead = Path.Combine(_host.Host.Root.TempDirectory, "build-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dead);
        Assert.True(_host.Host.Images.TryAddHolder(step, Path.GetFileName(dead)));
        Assert.Empty(_host.Host.Images.PruneBuildCache(all: false).RemovedImages);
        Assert.True(Stored(step));

        Assert.Equal([Path.GetFileName(dead)], BuildStaging.RemoveAbandoned(_host.Host.Store));
        Assert.Equal([step], _host.Host.Images.PruneBuildCache(all: false).RemovedImages);
        Assert.False(_host.Host.Images.TryAddHolder(step, "build-late"));
    }
}
