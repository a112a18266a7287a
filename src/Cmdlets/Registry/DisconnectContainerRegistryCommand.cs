using System.Management.Automation;
using ContainerTools.Runtime.Registry;

namespace ContainerTools.Cmdlets.Registry;

/// <summary>Logs out of registries (`docker logout`): removes their logins from docker's config.json, keeping everything else.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "ContainerRegistry")]
[OutputType(typeof(void))]
public sealed class DisconnectContainerRegistryCommand : RegistryCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Registry { get; set; } = [Runtime.Images.ImageReference.DefaultRegistry];

    protected override void ProcessRecordLocally()
    {
        foreach (var text in Registry)
        {
            var registry = CredentialStore.KeyRegistry(text);
            var removed = false;
            if (TryEngine(() => { removed = Credentials.Remove(registry); }, registry))
            {
                if (removed)
                {
                    WriteVerbose($"Removed the login for {registry} from {Credentials.DockerConfigPath}");
                }
                else
                {
                    WriteWarning($"Not logged in to {registry}.");
                }
            }
        }
    }
}
