using System.Management.Automation;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Runtime.Registry;

namespace ContainerTools.Cmdlets.Registry;

/// <summary>
/// What the registry cmdlets share: registries.json and the stored logins, read once per invocation (so changed
/// environment variables take effect at the next command), and -Credential turned into the engine's credential.
/// </summary>
public abstract class RegistryCmdlet : ContainerToolsCmdlet
{
    private RegistryConfig? config;
    private CredentialStore? credentials;

    protected RegistryConfig Config => config ??= RegistryConfig.Load();

    protected CredentialStore Credentials => credentials ??= CredentialStore.FromEnvironment();

    /// <summary>The credential given for <paramref name="registry"/>, and stored logins for every other registry.</summary>
    protected RegistryLogins Logins(PSCredential? credential, string registry) =>
        RegistryLogins.With(ToRegistryCredential(credential), registry, Credentials);

    protected static RegistryCredential? ToRegistryCredential(PSCredential? credential) =>
        credential is null || credential == PSCredential.Empty ? null : new RegistryCredential(credential.UserName, credential.GetNetworkCredential().Password);
}
