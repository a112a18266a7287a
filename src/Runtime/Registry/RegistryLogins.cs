namespace ContainerTools.Runtime.Registry;

/// <summary>
/// Which credential to present to a registry: one given for this operation (a -Credential) wins, else the stored login
/// (docker's and podman's files), else none (anonymous).
/// </summary>
public sealed class RegistryLogins
{
    private readonly RegistryCredential? _explicit;
    private readonly CredentialStore? _store;
    private readonly string? _explicitRegistry;

    private RegistryLogins(RegistryCredential? explicitCredential, string? explicitRegistry, CredentialStore? store)
    {
        _explicit = explicitCredential;
        _explicitRegistry = explicitRegistry;
        _store = store;
    }

    public static RegistryLogins Anonymous { get; } = new(null, null, null);

    /// <summary>Stored logins only.</summary>
    public static RegistryLogins Stored(CredentialStore store) => new(null, null, store);

    /// <summary><paramref name="credential"/> for <paramref name="registry"/> (when given), stored logins for every other registry.</summary>
    public static RegistryLogins With(RegistryCredential? credential, string? registry, CredentialStore? store) => new(credential, registry, store);

    public RegistryCredential? For(string registry, string? repository = null)
    {
        if (_explicit is not null && (_explicitRegistry is null || _explicitRegistry == registry))
        {
            return _explicit;
        }
        return _store?.Find(registry, repository);
    }
}
