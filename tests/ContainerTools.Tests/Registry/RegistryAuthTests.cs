using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Registry;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Registry;

/// <summary>Basic authentication (htpasswd) and the Bearer token flow against real registries.</summary>
public sealed class RegistryAuthTests : IDisposable
{
    private const string User = "tester";
    private const string Password = "s3cret-pass";
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    private ImagePuller Puller(RegistryCredential? credential) =>
        new(_store.Images, RegistryConfig.Default, RegistryLogins.With(credential, null, null));

    private Image Pull(string reference, RegistryCredential? credential)
    {
        using var puller = Puller(credential);
        return puller.Pull(ImageReference.Parse(reference), null, null, CancellationToken.None);
    }

    private PushResult Push(Image image, string reference, RegistryCredential? credential)
    {
        using var pusher = new ImagePusher(_store.Images, RegistryConfig.Default, RegistryLogins.With(credential, null, null));
        return pusher.Push(image.Id, ImageReference.Parse(reference), null, CancellationToken.None);
    }

    private Image ImportTestImage(string marker)
    {
        var archive = _store.PathFor($"image-{marker}.tar");
        RegistryImages.BuildSmallArchive(archive, [$"local/{marker}:1"], marker);
        return Assert.Single(_store.Images.Import(archive, null));
    }

    [Fact]
    public void BasicAuthPullsWithTheRightPasswordAndFailsOnceWithAWrongOne()
    {
        using var registry = LocalRegistry.StartWithBasicAuth(User, Password);
        RegistryImages.PushWithSkopeo(_store.Directory, registry.Host, "private/box:1", "basic", $"{User}:{Password}");
        var reference = $"{registry.Host}/private/box:1";

        var wrong = Assert.Throws<ContainerToolsException>(() => Pull(reference, new RegistryCredential(User, "wrong")));
        var anonymous = Assert.Throws<ContainerToolsException>(() => Pull(reference, null));
        var image = Pull(reference, new RegistryCredential(User, Password));

        Assert.Equal((ErrorKind.AuthenticationError, "RegistryAuthenticationFailed"), (wrong.Kind, wrong.ErrorId));
        Assert.Contains(User, wrong.Message);
        Assert.DoesNotContain("wrong", wrong.Message);
        Assert.Equal((ErrorKind.AuthenticationError, "RegistryAuthenticationFailed"), (anonymous.Kind, anonymous.ErrorId));
        Assert.Equal("basic", image.Config.Config!.Labels!["test.marker"]);
        // No retry storm: refused Basic credentials are not sent again, so each failed pull asked for the manifest once.
        Assert.Equal(2, registry.SettledCountRequests("GET /v2/private/box/manifests/1", "\" 401 "));
    }

    [Fact]
    public void BasicAuthPushesAndVerifiesLogins()
    {
        using var registry = LocalRegistry.StartWithBasicAuth(User, Password);
        var image = ImportTestImage("basic-push");

        var refused = Assert.Throws<ContainerToolsException>(() => Push(image, $"{registry.Host}/private/pushed:1", new RegistryCredential(User, "nope")));
        var result = Push(image, $"{registry.Host}/private/pushed:1", new RegistryCredential(User, Password));

        Assert.Equal(ErrorKind.AuthenticationError, refused.Kind);
        Assert.Equal(image.ManifestDigest, RegistryImages.RemoteDigest($"{registry.Host}/private/pushed:1", $"{User}:{Password}"));
        Assert.Equal(3, result.BlobsUploaded);
        using (var good = new RegistryClient(RegistryConfig.Default.Endpoint(registry.Host), new RegistryCredential(User, Password)))
        {
            good.VerifyLogin(CancellationToken.None);
        }
        using var bad = new RegistryClient(RegistryConfig.Default.Endpoint(registry.Host), new RegistryCredential(User, "nope"));
        Assert.Equal("RegistryAuthenticationFailed", Assert.Throws<ContainerToolsException>(() => bad.VerifyLogin(CancellationToken.None)).ErrorId);
    }

    [Fact]
    public void TheBearerFlowPushesAndPullsWithTokensReusedPerScope()
    {
        using var tokens = new TokenService(User, Password);
        using var registry = LocalRegistry.StartWithTokenAuth(tokens);
        var image = ImportTestImage("bearer");
        var credential = new RegistryCredential(User, Password);

        using (var pusher = new ImagePusher(_store.Images, RegistryConfig.Default, RegistryLogins.With(credential, null, null)))
        {
            var pushed = pusher.Push(image.Id, ImageReference.Parse($"{registry.Host}/team/app:1"), null, CancellationToken.None);
            Assert.Equal(3, pushed.BlobsUploaded);
        }
        // One token for the push scope (pull,push) served every HEAD, upload and the manifest PUT.
        Assert.Single(tokens.Requests, q => q.Contains("push"));
        Assert.All(tokens.Requests, q => Assert.Contains("service=" + TokenService.ServiceName, q));

        using var other = new TempStore();
        using var puller = new ImagePuller(other.Images, RegistryConfig.Default, RegistryLogins.With(credential, null, null));
        var pulled = puller.Pull(ImageReference.Parse($"{registry.Host}/team/app:1"), null, null, CancellationToken.None);
        Assert.Equal(image.Id, pulled.Id);

        // Anonymous pulls get a pull-only token; pushing anonymously is refused once, clearly.
        using var anonymousStore = new TempStore();
        using (var anonymous = new ImagePuller(anonymousStore.Images, RegistryConfig.Default, RegistryLogins.Anonymous))
        {
            Assert.Equal(image.Id, anonymous.Pull(ImageReference.Parse($"{registry.Host}/team/app:1"), null, null, CancellationToken.None).Id);
        }
        var denied = Assert.Throws<ContainerToolsException>(() => Push(image, $"{registry.Host}/team/app:2", null));
        Assert.Equal((ErrorKind.AuthenticationError, "RegistryAuthenticationFailed"), (denied.Kind, denied.ErrorId));
    }

    [Fact]
    public void TheBearerFlowRefusesAWrongPasswordWithoutRetrying()
    {
        using var tokens = new TokenService(User, Password) { AnonymousPull = false };
        using var registry = LocalRegistry.StartWithTokenAuth(tokens);
        var image = ImportTestImage("bearer-wrong");
        Push(image, $"{registry.Host}/team/secret:1", new RegistryCredential(User, Password));
        var before = tokens.Requests.Count;

        var wrong = Assert.Throws<ContainerToolsException>(() => Pull($"{registry.Host}/team/secret:1", new RegistryCredential(User, "bad")));
        var anonymous = Assert.Throws<ContainerToolsException>(() => Pull($"{registry.Host}/team/secret:1", null));

        Assert.Equal((ErrorKind.AuthenticationError, "RegistryAuthenticationFailed"), (wrong.Kind, wrong.ErrorId));
        Assert.Equal((ErrorKind.AuthenticationError, "RegistryAuthenticationFailed"), (anonymous.Kind, anonymous.ErrorId));
        // The wrong password costs one token request; the anonymous token without access one more retry, no storm.
        Assert.InRange(tokens.Requests.Count - before, 2, 3);

        using var verify = new RegistryClient(RegistryConfig.Default.Endpoint(registry.Host), new RegistryCredential(User, "bad"));
        Assert.Equal("RegistryAuthenticationFailed", Assert.Throws<ContainerToolsException>(() => verify.VerifyLogin(CancellationToken.None)).ErrorId);
        using var login = new RegistryClient(RegistryConfig.Default.Endpoint(registry.Host), new RegistryCredential(User, Password));
        login.VerifyLogin(CancellationToken.None);
    }
}
