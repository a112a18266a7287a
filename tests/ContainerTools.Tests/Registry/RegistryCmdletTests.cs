using System.Management.Automation;
using System.Security;
using System.Text.Json.Nodes;
using ContainerTools.Runtime.Registry;
using ContainerTools.Tests.Fixtures;
using ContainerTools.Tests.Module;

namespace ContainerTools.Tests.Registry;

/// <summary>
/// Request-, Submit-ContainerImage and Connect-, Disconnect-ContainerRegistry through the built module against real
/// registries. In the Module collection: $env: is process-wide (store root, DOCKER_CONFIG).
/// </summary>
[Collection(ModuleCollection.Name)]
public sealed class RegistryCmdletTests : IDisposable
{
    private static readonly string[] RegistryCmdlets = ["Request-ContainerImage", "Submit-ContainerImage", "Connect-ContainerRegistry", "Disconnect-ContainerRegistry"];
    private const string User = "cmdlet-user";
    private const string Password = "cmdlet-pass";

    private readonly ModuleSession session = new();
    private readonly string dockerConfig;

    public RegistryCmdletTests()
    {
        // DOCKER_CONFIG is process-wide: podman and skopeo started by tests running in parallel read it too, and fail
        // when its config.json is missing. So the file exists (without logins) for as long as the variable points at it.
        dockerConfig = Path.Combine(session.Directory, "docker");
        Directory.CreateDirectory(dockerConfig);
        File.WriteAllText(Path.Combine(dockerConfig, "config.json"), "{}");
        Environment.SetEnvironmentVariable("DOCKER_CONFIG", dockerConfig);
        Environment.SetEnvironmentVariable(RegistryConfig.EnvironmentVariable, null);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("DOCKER_CONFIG", null);
        session.Dispose();
    }

    private JsonObject Auths(string configFile) => JsonNode.Parse(File.ReadAllText(configFile))!["auths"] as JsonObject ?? [];

    private static PSCredential Credential(string user, string password)
    {
        var secure = new SecureString();
        foreach (var c in password)
        {
            secure.AppendChar(c);
        }
        return new PSCredential(user, secure);
    }

    private Dictionary<string, object?> Vars(params (string Name, object? Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);

    [Fact]
    public void RequestPullsAndWritesTheRowOfTheNamePulled()
    {
        using var registry = LocalRegistry.Start();
        var digest = RegistryImages.PushGenerated(registry.Host, "team/app:1", "cmdlet");

        var pulled = session.Run("Request-ContainerImage -Name $Ref", Vars(("Ref", $"{registry.Host}/team/app:1"))).ThrowOnErrors();

        var row = Assert.Single(pulled.Output);
        Assert.Equal("ContainerTools.ContainerImage", row.TypeNames[0]);
        Assert.Equal($"{registry.Host}/team/app:1", row.Properties["Reference"].Value);
        Assert.Equal($"{registry.Host}/team/app", row.Properties["Repository"].Value);
        Assert.Equal(digest, row.Properties["Digest"].Value);
        Assert.Contains(pulled.Progress, p => p.StatusDescription.Contains("download complete"));
        Assert.Equal([$"{registry.Host}/team/app:1"], session.Run("Get-ContainerImage").ThrowOnErrors().References());

        // -AllTags writes one row per tag, even when both tags are one image.
        RegistryImages.PushGenerated(registry.Host, "team/app:2", "cmdlet");
        var all = session.Run("Request-ContainerImage -Name $Repo -AllTags", Vars(("Repo", $"{registry.Host}/team/app"))).ThrowOnErrors();
        Assert.Equal([$"{registry.Host}/team/app:1", $"{registry.Host}/team/app:2"], all.References());
        Assert.Single(all.Output.Select(o => o.Properties["Id"].Value).Distinct());
    }

    [Fact]
    public void RequestReportsUnknownImagesAndBadPlatformsAsErrorsAndGoesOn()
    {
        using var registry = LocalRegistry.Start();
        RegistryImages.PushGenerated(registry.Host, "team/app:1", "cmdlet");

        var result = session.Run("Request-ContainerImage $Missing, $Present", Vars(("Missing", $"{registry.Host}/team/app:2"), ("Present", $"{registry.Host}/team/app:1")));
        var badPlatform = session.Run("Request-ContainerImage $Present -Platform linux", Vars(("Present", $"{registry.Host}/team/app:1")));
        var tagged = session.Run("Request-ContainerImage $Present -AllTags", Vars(("Present", $"{registry.Host}/team/app:1")));

        var error = result.SingleError();
        Assert.Equal("ImageNotFoundInRegistry,ContainerTools.Cmdlets.Registry.RequestContainerImageCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Single(result.Output);
        Assert.Equal("InvalidPlatform,ContainerTools.Cmdlets.Registry.RequestContainerImageCommand", badPlatform.SingleError().FullyQualifiedErrorId);
        Assert.Equal("TagWithAllTags,ContainerTools.Cmdlets.Registry.RequestContainerImageCommand", tagged.SingleError().FullyQualifiedErrorId);
    }

    [Fact]
    public void SubmitPushesByNameOrFromThePipelineAndWritesTheDigest()
    {
        using var registry = LocalRegistry.Start();
        var archive = Path.Combine(session.Directory, "app.tar");
        RegistryImages.BuildSmallArchive(archive, [$"{registry.Host}/team/piped:1"], "piped");
        session.Run("Import-ContainerImage $Archive", Vars(("Archive", archive))).ThrowOnErrors();

        var piped = session.Run("Get-ContainerImage | Submit-ContainerImage").ThrowOnErrors();
        var renamed = session.Run("Submit-ContainerImage -Image $Name -Name $Target", Vars(("Name", $"{registry.Host}/team/piped:1"), ("Target", $"{registry.Host}/team/other:2"))).ThrowOnErrors();
        var byId = session.Run("Get-ContainerImage | ForEach-Object Id | Submit-ContainerImage");

        var first = Assert.Single(piped.Output);
        Assert.Equal("ContainerTools.PushedImage", first.TypeNames[0]);
        Assert.Equal($"{registry.Host}/team/piped:1", first.Properties["Reference"].Value);
        Assert.Equal(3, first.Properties["Uploaded"].Value);
        Assert.Equal(RegistryImages.RemoteDigest($"{registry.Host}/team/piped:1"), first.Properties["Digest"].Value);
        Assert.Equal(3, Assert.Single(renamed.Output).Properties["Mounted"].Value);
        Assert.Equal(first.Properties["Digest"].Value, RegistryImages.RemoteDigest($"{registry.Host}/team/other:2"));
        Assert.Equal("PushTargetRequired,ContainerTools.Cmdlets.Registry.SubmitContainerImageCommand", byId.SingleError().FullyQualifiedErrorId);
    }

    [Fact]
    public void ConnectVerifiesAndStoresTheLoginThatPullsAndPushesThenUse()
    {
        using var registry = LocalRegistry.StartWithBasicAuth(User, Password);
        var archive = Path.Combine(session.Directory, "app.tar");
        RegistryImages.BuildSmallArchive(archive, [$"{registry.Host}/private/app:1"], "login");
        session.Run("Import-ContainerImage $Archive", Vars(("Archive", archive))).ThrowOnErrors();
        var configFile = Path.Combine(dockerConfig, "config.json");

        var anonymous = session.Run("Submit-ContainerImage $Name", Vars(("Name", $"{registry.Host}/private/app:1")));
        var wrong = session.Run("Connect-ContainerRegistry $Registry -Credential $Cred", Vars(("Registry", registry.Host), ("Cred", Credential(User, "wrong"))));
        Assert.Equal("RegistryAuthenticationFailed,ContainerTools.Cmdlets.Registry.SubmitContainerImageCommand", anonymous.SingleError().FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, wrong.SingleError().CategoryInfo.Category);
        Assert.Empty(Auths(configFile));

        session.Run("Connect-ContainerRegistry $Registry -Credential $Cred", Vars(("Registry", registry.Host), ("Cred", Credential(User, Password)))).ThrowOnErrors();
        var auth = Auths(configFile)[registry.Host]!["auth"]!.GetValue<string>();
        Assert.Equal($"{User}:{Password}", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(auth)));

        // The stored login serves later commands, and skopeo finds it in the same file.
        session.Run("Submit-ContainerImage $Name", Vars(("Name", $"{registry.Host}/private/app:1"))).ThrowOnErrors();
        session.Run("Remove-ContainerImage $Name", Vars(("Name", $"{registry.Host}/private/app:1"))).ThrowOnErrors();
        session.Run("Request-ContainerImage $Name", Vars(("Name", $"{registry.Host}/private/app:1"))).ThrowOnErrors();
        TestImages.Run("skopeo", "inspect", "--tls-verify=false", "--authfile", configFile, $"docker://{registry.Host}/private/app:1");

        session.Run("Disconnect-ContainerRegistry $Registry", Vars(("Registry", registry.Host))).ThrowOnErrors();
        Assert.Null(Auths(configFile)[registry.Host]);
        var again = session.Run("Disconnect-ContainerRegistry $Registry 3>&1", Vars(("Registry", registry.Host))).ThrowOnErrors();
        Assert.Contains("Not logged in", Assert.Single(again.Output).ToString());
        var refused = session.Run("Request-ContainerImage $Name", Vars(("Name", $"{registry.Host}/private/app:1")));
        Assert.Equal(ErrorCategory.AuthenticationError, refused.SingleError().CategoryInfo.Category);
        var withCredential = session.Run("Request-ContainerImage $Name -Credential $Cred", Vars(("Name", $"{registry.Host}/private/app:1"), ("Cred", Credential(User, Password)))).ThrowOnErrors();
        Assert.Single(withCredential.Output);
    }

    [Fact]
    public void TheRegistryCmdletsAreExportedWithHelpAndExamples()
    {
        var exported = session.Run("(Get-Module ContainerTools).ExportedCmdlets.Keys").ThrowOnErrors().Values<string>();
        Assert.Subset(exported.ToHashSet(), RegistryCmdlets.ToHashSet());
        foreach (var cmdlet in RegistryCmdlets)
        {
            CmdletHelp.AssertComplete(session, cmdlet);
        }
    }
}
