namespace ContainerTools;

/// <summary>What Install-ContainerTools did on one host: where the module is, which version imports there, whether it copied.</summary>
public sealed class ContainerToolsInstallation
{
    public string ComputerName { get; init; } = "";
    public string Version { get; init; } = "";
    /// <summary>The module's folder on the host (ModuleBase of the version that imported).</summary>
    public string Path { get; init; } = "";
    /// <summary>False when that version was already there and -Force was not given.</summary>
    public bool Copied { get; init; }
}
