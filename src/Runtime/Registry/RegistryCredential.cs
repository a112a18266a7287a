namespace ContainerTools.Runtime.Registry;

/// <summary>A user name and password (or access token used as a password) for one registry.</summary>
public sealed record RegistryCredential(string Username, string Password)
{
    // Keeps passwords out of logs, error messages and the debugger's display.
    public override string ToString() => $"RegistryCredential {{ Username = {Username} }}";
}
