using System.Collections.Concurrent;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Registry;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Registry;

/// <summary>Blobs served through redirects (as registries backed by object storage do), and concurrent pulls of one image.</summary>
public sealed class RegistryRedirectTests : IDisposable
{
    private readonly TempStore _store = new();
    private readonly LocalRegistry _registry = LocalRegistry.Start();

    public void Dispose()
    {
        _registry.Dispose();
        _store.Dispose();
    }

    private FakeResponse Forward(System.Net.HttpListenerRequest request)
    {
        using var http = new HttpClient();
        using var message = new HttpRequestMessage(new HttpMethod(request.HttpMethod), $"http://{_registry.Host}{request.Url!.PathAndQuery}");
        foreach (var accept in request.AcceptTypes ?? [])
        {
            message.Headers.TryAddWithoutValidation("Accept", accept);
        }
        using var response = http.Send(message);
        var body = response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        return new FakeResponse((int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream", body);
    }

    [Fact]
    public void BlobsAreFetchedThroughRedirectsWithoutTheRegistrysCredentials()
    {
        var digest = RegistryImages.PushGenerated(_registry.Host, "team/app:1", "redirected");
        var storageSawAuthorization = new ConcurrentBag<string?>();
        using var storage = new FakeRegistry(request =>
        {
            storageSawAuthorization.Add(request.Headers["Authorization"]);
            return Forward(request);
        });
        using var front = new FakeRegistry(request =>
        {
            if (request.Headers["Authorization"] != "Basic " + Convert.ToBase64String("user:pw"u8.ToArray()))
            {
                return new FakeResponse(401, "application/json", "{}"u8.ToArray(), new Dictionary<string, string> { ["WWW-Authenticate"] = "Basic realm=\"front\"" });
            }
            return request.Url!.AbsolutePath.Contains("/blobs/", StringComparison.Ordinal)
                ? new FakeResponse(307, "text/plain", [], new Dictionary<string, string> { ["Location"] = $"http://{storage.Host}{request.Url.PathAndQuery}" })
                : Forward(request);
        });

        using var puller = new ImagePuller(_store.Images, RegistryConfig.Default, RegistryLogins.With(new RegistryCredential("user", "pw"), null, null));
        var image = puller.Pull(ImageReference.Parse($"{front.Host}/team/app:1"), null, null, CancellationToken.None);

        Assert.Equal(digest, image.ManifestDigest);
        Assert.Equal(3, storageSawAuthorization.Count);
        Assert.All(storageSawAuthorization, Assert.Null);
    }

    [Fact]
    public void ConcurrentPullsOfOneImageBothSucceed()
    {
        RegistryImages.PushGenerated(_registry.Host, "team/app:1", "a");
        RegistryImages.PushGenerated(_registry.Host, "team/app:2", "a");

        var images = new Image[4];
        Parallel.For(0, images.Length, i =>
        {
            using var puller = new ImagePuller(_store.Images, RegistryConfig.Default, RegistryLogins.Anonymous);
            images[i] = puller.Pull(ImageReference.Parse($"{_registry.Host}/team/app:{1 + i % 2}"), null, null, CancellationToken.None);
        });

        Assert.Single(images.Select(i => i.Id).Distinct());
        var stored = Assert.Single(_store.Images.List());
        Assert.Equal([$"{_registry.Host}/team/app:1", $"{_registry.Host}/team/app:2"], stored.Names.Select(n => n.ToString()).Order());
        Assert.Empty(RegistryImages.PullCacheFiles(_store.Root));
        Assert.All(_store.Images.LayerDirectories(stored), d => Assert.True(Directory.Exists(d)));
    }
}
