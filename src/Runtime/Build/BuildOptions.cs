using ContainerTools.Runtime.Images;

namespace ContainerTools.Runtime.Build;

/// <summary>What Build-ContainerImage asks for: the context, the Dockerfile, and docker build's options.</summary>
public sealed record BuildOptions
{
    /// <summary>The build context directory; COPY and ADD sources are relative to it and may not leave it.</summary>
    public required string ContextDirectory { get; init; }

    /// <summary>The Dockerfile's text.</summary>
    public required string Dockerfile { get; init; }

    /// <summary>Where the Dockerfile came from, for error messages and NAME.dockerignore; null when it came from a pipe.</summary>
    public string? DockerfilePath { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];
    public IReadOnlyDictionary<string, string> BuildArguments { get; init; } = new Dictionary<string, string>();
    public string? Target { get; init; }
    public bool NoCache { get; init; }

    /// <summary>Pull every FROM image (and COPY --from image) even when the store has it.</summary>
    public bool Pull { get; init; }

    /// <summary>The network of RUN steps: "none" (the default here; Docker's is "bridge"), "host", "bridge" or a network's name.</summary>
    public string Network { get; init; } = "none";

    /// <summary>Labels set on the final image, over the Dockerfile's.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>"os/arch[/variant]"; only the host's platform can run RUN steps.</summary>
    public string? Platform { get; init; }

    /// <summary>SOURCE_DATE_EPOCH: timestamps of the image and history, and the latest mtime in new layers.</summary>
    public DateTimeOffset? SourceDateEpoch { get; init; }

    /// <summary>RUN --mount=type=secret sources: secret id -> the file holding it (docker build --secret id=ID,src=FILE).</summary>
    public IReadOnlyDictionary<string, string> Secrets { get; init; } = new Dictionary<string, string>();

    /// <summary>Fetches an image a FROM names that the store lacks (or every one, with <see cref="Pull"/>); null: no pulling.</summary>
    public Func<ImageReference, CancellationToken, Image>? PullImage { get; init; }
}
