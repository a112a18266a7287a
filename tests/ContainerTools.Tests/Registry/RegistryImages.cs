using System.Formats.Tar;
using System.Text.Json;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Registry;

/// <summary>Puts test images into a registry with skopeo and reads what the registry holds, independently of our client.</summary>
public static class RegistryImages
{
    /// <summary>
    /// An auth file without logins for every skopeo and podman call here: never the process's DOCKER_CONFIG, which the
    /// cmdlet tests point elsewhere while these run.
    /// </summary>
    public static string EmptyAuthFile { get; } = CreateEmptyAuthFile();

    /// <summary>What a store's pull cache (tmp/pull-blobs) holds; the directory exists only once a failed pull kept something.</summary>
    public static IEnumerable<string> PullCacheFiles(ContainerTools.Runtime.Storage.StoreRoot root, string pattern = "*")
    {
        var directory = Path.Combine(root.TempDirectory, "pull-blobs");
        return Directory.Exists(directory) ? Directory.EnumerateFiles(directory, pattern) : [];
    }

    private static string CreateEmptyAuthFile()
    {
        var directory = Directory.CreateTempSubdirectory("ct-registry-auth-").FullName;
        var path = Path.Combine(directory, "auth.json");
        File.WriteAllText(path, "{\"auths\":{}}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
        return path;
    }

    private static readonly Lazy<byte[]> PayloadLayer = new(() =>
    {
        // Incompressible, so that a gzip of it is still larger than the cutting proxy's limit.
        var payload = new byte[256 << 10];
        new Random(42).NextBytes(payload);
        return Tar(("etc/", null), ("etc/payload", payload));
    });

    /// <summary>
    /// A docker-archive of a small two-layer image: a shared 256 KiB base layer (etc/payload, random bytes) and a layer
    /// holding etc/marker. Registry tests need no runnable root filesystem, and small images keep them fast.
    /// </summary>
    public static void BuildSmallArchive(string path, string[] tags, string marker, bool gzipLayers = false)
    {
        var layers = new[] { PayloadLayer.Value, Tar(("etc/", null), ("etc/marker", System.Text.Encoding.UTF8.GetBytes(marker + "\n"))) };
        var config = TestImages.ConfigJson(layers.Select(TestImages.DigestOf).ToArray(), marker);
        var blobs = layers.Select(l => gzipLayers ? TestImages.Gzip(l) : l).ToArray();
        var manifest = new[] { new { Config = TestImages.Hex(config) + ".json", RepoTags = tags, Layers = blobs.Select(b => TestImages.Hex(b) + ".tar").ToArray() } };
        TestImages.WriteTar(path,
            [.. blobs.Select(b => (TestImages.Hex(b) + ".tar", b)), (TestImages.Hex(config) + ".json", config), ("manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifest))]);
    }

    /// <summary>
    /// A docker-archive of one image with <paramref name="layerCount"/> gzip layers, each holding etc/layerN (random
    /// bytes of different sizes, so the layers finish in no particular order), the first layer listed again on top.
    /// Returns the diff ids in the image's order.
    /// </summary>
    public static string[] BuildManyLayerArchive(string path, string tag, int layerCount)
    {
        var random = new Random(7);
        var distinct = Enumerable.Range(0, layerCount).Select(i =>
        {
            var payload = new byte[(layerCount - i) * (96 << 10)];
            random.NextBytes(payload);
            return Tar(("etc/", null), ($"etc/layer{i}", payload));
        }).ToList();
        var layers = distinct.Append(distinct[0]).ToArray();
        var diffIds = layers.Select(TestImages.DigestOf).ToArray();
        var config = TestImages.ConfigJson(diffIds, tag);
        var blobs = distinct.Select(TestImages.Gzip).ToArray();
        var names = layers.Select(l => TestImages.Hex(blobs[distinct.IndexOf(l)]) + ".tar").ToArray();
        var manifest = new[] { new { Config = TestImages.Hex(config) + ".json", RepoTags = new[] { tag }, Layers = names } };
        TestImages.WriteTar(path,
            [.. blobs.Select(b => (TestImages.Hex(b) + ".tar", b)), (TestImages.Hex(config) + ".json", config), ("manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifest))]);
        return diffIds;
    }

    /// <summary>Imports <paramref name="archive"/> into a scratch store and pushes its image with our pusher.</summary>
    public static void PushArchive(string host, string archive, string repositoryAndTag)
    {
        using var scratch = new TempStore();
        var image = Assert.Single(scratch.Images.Import(archive, null));
        using var pusher = new ContainerTools.Runtime.Registry.ImagePusher(scratch.Images, ContainerTools.Runtime.Registry.RegistryConfig.Default, ContainerTools.Runtime.Registry.RegistryLogins.Anonymous);
        pusher.Push(image.Id, ContainerTools.Runtime.Images.ImageReference.Parse($"{host}/{repositoryAndTag}"), null, CancellationToken.None);
    }

    private static byte[] Tar(params (string Name, byte[]? Content)[] entries)
    {
        using var memory = new MemoryStream();
        using (var writer = new TarWriter(memory, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                var entry = new UstarTarEntry(content is null ? TarEntryType.Directory : TarEntryType.RegularFile, name)
                {
                    Mode = content is null ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100,
                    ModificationTime = TestImages.FixedTime,
                };
                if (content is not null)
                {
                    entry.DataStream = new MemoryStream(content);
                }
                writer.WriteEntry(entry);
            }
        }
        return memory.ToArray();
    }

    /// <summary>skopeo copies a generated small image (see <see cref="BuildSmallArchive"/>) to host/repositoryAndTag.</summary>
    public static void PushWithSkopeo(string scratchDirectory, string host, string repositoryAndTag, string marker = "default", string? credentials = null)
    {
        var archive = Path.Combine(scratchDirectory, $"skopeo-{Guid.NewGuid():N}.tar");
        BuildSmallArchive(archive, ["x:1"], marker);
        try
        {
            string[] auth = credentials is null ? [] : ["--dest-creds", credentials];
            TestImages.Run("skopeo", ["--insecure-policy", "copy", "--dest-tls-verify=false", "--dest-authfile", EmptyAuthFile, .. auth, "docker-archive:" + archive, $"docker://{host}/{repositoryAndTag}"]);
        }
        finally
        {
            File.Delete(archive);
        }
    }

    /// <summary>
    /// Imports a generated image (uncompressed layers, nothing to gzip) into a scratch store and pushes it with our pusher:
    /// faster than skopeo where the test is not about interoperability. Returns the image's manifest digest.
    /// </summary>
    public static string PushGenerated(string host, string repositoryAndTag, string marker)
    {
        using var scratch = new TempStore();
        var archive = scratch.PathFor("image.tar");
        BuildSmallArchive(archive, ["x:1"], marker);
        var image = Assert.Single(scratch.Images.Import(archive, null));
        using var pusher = new ContainerTools.Runtime.Registry.ImagePusher(scratch.Images, ContainerTools.Runtime.Registry.RegistryConfig.Default, ContainerTools.Runtime.Registry.RegistryLogins.Anonymous);
        return pusher.Push(image.Id, ContainerTools.Runtime.Images.ImageReference.Parse($"{host}/{repositoryAndTag}"), null, CancellationToken.None).ManifestDigest;
    }

    /// <summary>The manifest digest skopeo sees for a reference.</summary>
    public static string RemoteDigest(string reference, string? credentials = null)
    {
        string[] auth = credentials is null ? [] : ["--creds", credentials];
        return TestImages.Run("skopeo", ["inspect", "--tls-verify=false", "--authfile", EmptyAuthFile, .. auth, "--format", "{{.Digest}}", "docker://" + reference]).Trim();
    }

    /// <summary>The layer digests of a reference's manifest, as skopeo reads it.</summary>
    public static string[] RemoteLayers(string reference)
    {
        var raw = TestImages.Run("skopeo", "inspect", "--tls-verify=false", "--authfile", EmptyAuthFile, "--raw", "docker://" + reference);
        using var doc = JsonDocument.Parse(raw);
        return doc.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!).ToArray();
    }
}
