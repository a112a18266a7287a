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

    private static string CreateEmptyAuthFile()
    {
        var directory = Directory.CreateTempSubdirectory("ct-registry-auth-").FullName;
        var path = Path.Combine(directory, "auth.json");
        File.WriteAllText(path, "{\"auths\":{}}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
        return path;
    }

    /// <summary>skopeo copies a generated two-layer image (busybox + /etc/marker) to host/repositoryAndTag.</summary>
    public static void PushWithSkopeo(string scratchDirectory, string host, string repositoryAndTag, string marker = "default", string? credentials = null)
    {
        var archive = Path.Combine(scratchDirectory, $"skopeo-{Guid.NewGuid():N}.tar");
        TestImages.BuildDockerArchive(archive, [new TestImage(["x:1"], marker)], gzipLayers: false);
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
        TestImages.BuildDockerArchive(archive, [new TestImage(["x:1"], marker)], gzipLayers: false);
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
