using System.Text;
using System.Text.Json.Nodes;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Registry;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Registry;

/// <summary>Logins in docker's config.json and podman's auth.json.</summary>
public sealed class CredentialStoreTests : IDisposable
{
    private readonly TempStore _dir = new();

    public void Dispose() => _dir.Dispose();

    private string DockerConfig => _dir.PathFor("docker/config.json");

    private CredentialStore Store(params string[] extraReads) => new(DockerConfig, [DockerConfig, .. extraReads]);

    [Fact]
    public void SaveWritesDockersFormatKeepingOtherKeysAndRemoveTakesOnlyThatLogin()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DockerConfig)!);
        File.WriteAllText(DockerConfig, """{"auths":{"other.example:5000":{"auth":"b3RoZXI6cHc="}},"credHelpers":{"gcr.io":"gcloud"},"psFormat":"table {{.ID}}"}""");
        var store = Store();

        store.Save("127.0.0.1:5000", new RegistryCredential("alice", "pa:ss"));
        store.Save("docker.io", new RegistryCredential("bob", "hub"));

        var json = JsonNode.Parse(File.ReadAllText(DockerConfig))!.AsObject();
        Assert.Equal("table {{.ID}}", (string?)json["psFormat"]);
        Assert.Equal("gcloud", (string?)json["credHelpers"]!["gcr.io"]);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:pa:ss")), (string?)json["auths"]!["127.0.0.1:5000"]!["auth"]);
        Assert.NotNull(json["auths"]![CredentialStore.DockerHubKey]);
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(DockerConfig) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), "config.json is 0600");
        Assert.Equal(new RegistryCredential("alice", "pa:ss"), store.Find("127.0.0.1:5000"));
        Assert.Equal(new RegistryCredential("bob", "hub"), store.Find("docker.io"));
        Assert.Equal(new RegistryCredential("other", "pw"), store.Find("other.example:5000"));

        Assert.True(store.Remove("127.0.0.1:5000"));
        Assert.False(store.Remove("127.0.0.1:5000"));

        json = JsonNode.Parse(File.ReadAllText(DockerConfig))!.AsObject();
        Assert.Null(json["auths"]!["127.0.0.1:5000"]);
        Assert.NotNull(json["auths"]!["other.example:5000"]);
        Assert.Null(store.Find("127.0.0.1:5000"));
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(DockerConfig)!, "*.tmp"));
    }

    [Fact]
    public void FindsLoginsDockerAndPodmanWrote()
    {
        var podman = _dir.PathFor("run/containers/auth.json");
        Directory.CreateDirectory(Path.GetDirectoryName(podman)!);
        File.WriteAllText(podman, """
            {"auths":{
              "quay.example":{"auth":"cG9kOnF1YXk="},
              "quay.example/team":{"auth":"dGVhbTpzZWNyZXQ="},
              "http://legacy.example:5000/v2/":{"auth":"bGVnYWN5OnB3"}
            }}
            """);
        Directory.CreateDirectory(Path.GetDirectoryName(DockerConfig)!);
        File.WriteAllText(DockerConfig, """{"auths":{"https://index.docker.io/v1/":{"auth":"aHViOnRva2Vu"},"quay.example":{"auth":"ZG9ja2VyOndpbnM="}}}""");
        var store = Store(podman);

        Assert.Equal(new RegistryCredential("hub", "token"), store.Find("docker.io"));
        // docker's file is read before podman's.
        Assert.Equal(new RegistryCredential("docker", "wins"), store.Find("quay.example", "team/app"));
        Assert.Equal(new RegistryCredential("legacy", "pw"), store.Find("legacy.example:5000"));
        Assert.Null(store.Find("unknown.example"));

        var podmanOnly = new CredentialStore(DockerConfig, [podman]);
        Assert.Equal(new RegistryCredential("team", "secret"), podmanOnly.Find("quay.example", "team/app"));
        Assert.Equal(new RegistryCredential("pod", "quay"), podmanOnly.Find("quay.example", "other/app"));
    }

    [Fact]
    public void AnUnreadableFileIsAClearError()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DockerConfig)!);
        File.WriteAllText(DockerConfig, "{not json");

        var error = Assert.Throws<ContainerToolsException>(() => Store().Find("x.example"));

        Assert.Equal((ErrorKind.InvalidData, "InvalidCredentialFile"), (error.Kind, error.ErrorId));
        Assert.Contains(DockerConfig, error.Message);
    }

    [Fact]
    public void TheEnvironmentChoosesTheFiles()
    {
        var environment = new Dictionary<string, string?>
        {
            ["DOCKER_CONFIG"] = _dir.PathFor("dockerdir"),
            ["REGISTRY_AUTH_FILE"] = _dir.PathFor("explicit.json"),
            ["XDG_RUNTIME_DIR"] = _dir.PathFor("xdg"),
            ["HOME"] = _dir.PathFor("home"),
        };
        var store = CredentialStore.FromEnvironment(name => environment.GetValueOrDefault(name));

        Assert.Equal(_dir.PathFor("dockerdir/config.json"), store.DockerConfigPath);
        Assert.Equal(
            [_dir.PathFor("explicit.json"), _dir.PathFor("dockerdir/config.json"), _dir.PathFor("xdg/containers/auth.json"), _dir.PathFor("home/.config/containers/auth.json")],
            store.ReadPaths);
    }
}
