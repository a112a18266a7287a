namespace ContainerTools;

/// <summary>What Submit-ContainerImage did: where the image went, under which manifest digest, and how its blobs got there.</summary>
public sealed class PushedImage
{
    /// <summary>The full name pushed to: 127.0.0.1:5000/app:1.</summary>
    public string Reference { get; init; } = "";
    /// <summary>The manifest digest the registry serves the image under (docker push prints it).</summary>
    public string Digest { get; init; } = "";
    /// <summary>The image id (config digest).</summary>
    public string Id { get; init; } = "";
    public int Uploaded { get; init; }
    public int Mounted { get; init; }
    public int Skipped { get; init; }

    public override string ToString() => Reference + "@" + Digest;
}
