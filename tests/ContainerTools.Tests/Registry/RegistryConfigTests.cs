using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Registry;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Registry;

/// <summary>registries.json: where it is found, what it says, and mirrors tried before their registry.</summary>
public sealed class RegistryConfigTests : IDisposable
{
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    private RegistryConfig Write(string json)
    {
        var path = _store.PathFor($"registries-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return RegistryConfig.LoadFile(path);
    }

    [Fact]
    public void ReadsTheDocumentedSettings()
    {
        var config = Write("""
            {
              // comments are allowed
              "defaultRegistry": "registry.example:5000",
              "insecureRegistries": ["build.lan:5000"],
              "mirrors": { "docker.io": ["https://mirror.example", "http://cache.lan:5000"] },
              "chunkedUploadThreshold": 1048576,
              "chunkSize": 65536,
              "maxConcurrentDownloads": 2,
            }
            """);

        Assert.Equal(ImageReference.Parse("registry.example:5000/busybox:1"), config.ParseReference("busybox:1"));
        Assert.Equal(ImageReference.Parse("quay.io/a/b:1"), config.ParseReference("quay.io/a/b:1"));
        Assert.True(config.IsInsecure("build.lan:5000"));
        Assert.False(config.IsInsecure("build.lan:5001"));
        Assert.True(config.IsInsecure("localhost:5000"));
        Assert.True(config.IsInsecure("127.0.0.1:5000"));
        Assert.True(config.IsInsecure("[::1]:5000"));
        Assert.False(config.IsInsecure("registry.example:5000"));
        Assert.Equal(
            [new RegistryEndpoint("mirror.example", "mirror.example", EndpointSecurity.Https, true),
             new RegistryEndpoint("cache.lan:5000", "cache.lan:5000", EndpointSecurity.Http, true),
             new RegistryEndpoint("docker.io", "registry-1.docker.io", EndpointSecurity.Https, false)],
            config.PullEndpoints("docker.io"));
        Assert.Equal((1048576L, 65536L, 2), (config.ChunkedUploadThreshold, config.ChunkSize, config.MaxConcurrentDownloads));
        Assert.Equal(ImageReference.Parse("busybox"), RegistryConfig.Default.ParseReference("busybox"));
    }

    [Fact]
    public void FindsTheFileThroughTheEnvironment()
    {
        var explicitFile = _store.PathFor("explicit.json");
        File.WriteAllText(explicitFile, """{"defaultRegistry":"explicit.example"}""");
        var xdg = _store.PathFor("xdg");
        Directory.CreateDirectory(Path.Combine(xdg, "containertools"));
        File.WriteAllText(Path.Combine(xdg, "containertools", "registries.json"), """{"defaultRegistry":"user.example"}""");

        var fromExplicit = RegistryConfig.Load(name => name == RegistryConfig.EnvironmentVariable ? explicitFile : name == "XDG_CONFIG_HOME" ? xdg : null);
        var fromUser = RegistryConfig.Load(name => name == "XDG_CONFIG_HOME" ? xdg : null);
        var missing = Assert.Throws<ContainerToolsException>(() => RegistryConfig.Load(name => name == RegistryConfig.EnvironmentVariable ? _store.PathFor("none.json") : null));

        Assert.Equal("explicit.example", fromExplicit.DefaultRegistry);
        Assert.Equal("user.example", fromUser.DefaultRegistry);
        Assert.Equal((ErrorKind.NotFound, "RegistryConfigNotFound"), (missing.Kind, missing.ErrorId));
    }

    [Theory]
    [InlineData("{\"mirrors\": 3}")]
    [InlineData("{\"chunkSize\": 0}")]
    [InlineData("[1,2")]
    public void AnInvalidFileIsAClearError(string json)
    {
        var error = Assert.Throws<ContainerToolsException>(() => Write(json));

        Assert.Equal((ErrorKind.InvalidData, "InvalidRegistryConfig"), (error.Kind, error.ErrorId));
    }

    [Fact]
    public void PullsFromAMirrorFirstAndFallsBackToTheRegistry()
    {
        using var mirror = LocalRegistry.Start();
        RegistryImages.PushGenerated(mirror.Host, "tests/mirrored:1", "from-mirror");
        var dead = $"127.0.0.1:{LoopbackHttpServer.FreePort()}";
        var config = RegistryConfig.Default with
        {
            Mirrors = new Dictionary<string, IReadOnlyList<string>>
            {
                ["upstream.invalid"] = [mirror.Host],
                [mirror.Host] = [dead],
            },
        };

        using var puller = new ImagePuller(_store.Images, config, RegistryLogins.Anonymous);
        var viaMirror = puller.Pull(ImageReference.Parse("upstream.invalid/tests/mirrored:1"), null, null, CancellationToken.None);
        var afterDeadMirror = puller.Pull(ImageReference.Parse($"{mirror.Host}/tests/mirrored:1"), null, null, CancellationToken.None);

        Assert.Equal("from-mirror", viaMirror.Config.Config!.Labels!["test.marker"]);
        Assert.Equal(ImageReference.Parse("upstream.invalid/tests/mirrored:1"), Assert.Single(viaMirror.Names));
        Assert.Equal(viaMirror.Id, afterDeadMirror.Id);
    }
}
