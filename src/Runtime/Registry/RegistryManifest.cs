namespace ContainerTools.Runtime.Registry;

/// <summary>A manifest or index exactly as the registry served it (the digest is of these bytes), with its media type.</summary>
public sealed record RegistryManifest(byte[] Content, string MediaType, string Digest);
