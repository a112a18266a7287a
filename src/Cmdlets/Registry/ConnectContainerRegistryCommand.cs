using System.Management.Automation;
using ContainerTools.Runtime.Registry;

namespace ContainerTools.Cmdlets.Registry;

/// <summary>
/// Logs in to a registry (`docker login`): the credentials are checked against the registry's /v2/ endpoint (through its
/// token service when it has one), then stored in docker's config.json, where docker, podman and skopeo find them too.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "ContainerRegistry")]
[OutputType(typeof(void))]
public sealed class ConnectContainerRegistryCommand : RegistryCmdlet
{
    /// <summary>host[:port] of the registry; docker.io (the default) for Docker Hub.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Registry { get; set; } = Runtime.Images.ImageReference.DefaultRegistry;

    [Parameter(Mandatory = true, Position = 1)]
    [Credential]
    public PSCredential Credential { get; set; } = PSCredential.Empty;

    protected override void ProcessRecordLocally()
    {
        var registry = CredentialStore.KeyRegistry(Registry);
        var credential = ToRegistryCredential(Credential);
        if (credential is null)
        {
            WriteError(new ErrorRecord(new PSArgumentException("Give a user name and password."), "CredentialRequired", ErrorCategory.InvalidArgument, Registry));
            return;
        }
        var verified = TryEngine(() =>
        {
            using var client = new RegistryClient(Config.Endpoint(registry), credential);
            client.VerifyLogin(Cancellation);
        }, registry);
        if (verified && TryEngine(() => Credentials.Save(registry, credential), registry))
        {
            WriteVerbose($"Login Succeeded: {credential.Username} at {registry}, stored in {Credentials.DockerConfigPath}");
        }
    }
}
