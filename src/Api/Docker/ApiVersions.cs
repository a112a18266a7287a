namespace ContainerTools.Api;

/// <summary>
/// The API versions served: 1.41 (docker 20.10's) is the one announced in /_ping and /version; newer clients
/// negotiate down to it, and requests that name a newer version are answered with the same shapes.
/// </summary>
internal static class ApiVersions
{
    public const string Current = "1.41";
    public const string Minimum = "1.24";
    public const string EngineVersion = "20.10.99-containertools";
    public static readonly Version Oldest = new(1, 24);
    public static readonly Version Newest = new(1, 51);
}
