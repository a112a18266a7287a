using ContainerTools.Runtime.Build.Dockerfile;
using ContainerTools.Runtime.Build.Layers;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Oci;
using ContainerTools.Runtime.Storage;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Build;

/// <summary>What ConvertTo-ContainerImage asks for (docker commit).</summary>
public sealed record CommitOptions
{
    public required string Container { get; init; }
    /// <summary>The new image's name; null leaves it unnamed.</summary>
    public string? Name { get; init; }
    /// <summary>Dockerfile lines applied to the config: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR, STOPSIGNAL, HEALTHCHECK, ONBUILD.</summary>
    public IReadOnlyList<string> Changes { get; init; } = [];
    public string? Message { get; init; }
    public string? Author { get; init; }
    /// <summary>Freeze a running container while its changes are read (docker commit's default).</summary>
    public bool Pause { get; init; } = true;
}

/// <summary>
/// docker commit: the container's upper directory becomes one more layer over its image (the runtime's mount stubs
/// left out), and its settings (env, command, working directory, user, labels, stop signal) with the -Change lines
/// applied become the new config.
/// </summary>
public sealed class ContainerCommit
{
    private static readonly HashSet<string> AllowedChanges = new(StringComparer.Ordinal)
    {
        "CMD", "ENTRYPOINT", "ENV", "EXPOSE", "LABEL", "USER", "VOLUME", "WORKDIR", "STOPSIGNAL", "HEALTHCHECK", "ONBUILD",
    };

    private readonly ContainerStore _containers;

    public ContainerCommit(ContainerStore containers) => _containers = containers;

    public Image Commit(CommitOptions options, CancellationToken cancellationToken = default)
    {
        var name = options.Name is null ? null : ImageReference.Parse(options.Name);
        var changes = ParseChanges(options.Changes);
        var container = _containers.Resolve(options.Container);
        var image = _containers.Images.Resolve(container.Definition.ImageId);
        var state = StateOf(container, image);
        var lexer = new ShellLexer();
        foreach (var change in changes)
        {
            if (change is WorkdirInstruction workdir)
            {
                state.ChangeWorkingDir(lexer.ProcessWord(workdir.Path, state.Lookup));
                continue;
            }
            ConfigInstructions.Apply(state, change, lexer);
        }

        using var scratch = BuildStaging.Create(_containers);
        var staging = scratch.Path;
        var paused = false;
        BuiltLayer? layer;
        try
        {
            if (options.Pause && container.Status == ContainerStatus.Running)
            {
                _containers.Pause(container.Id);
                paused = true;
            }
            var upper = container.Paths.UpperDirectory;
            var stubs = MountStubs.Find(upper, _containers.Images.LayerDirectories(image));
            layer = LayerDiff.IsEmpty(upper, stubs) ? null : LayerDiff.FromUpperDirectory(upper, staging, null, stubs, cancellationToken, container.Definition.UserNamespace is { } maps ? maps.ContainerIds : null);
        }
        finally
        {
            if (paused)
            {
                _containers.Resume(container.Id);
            }
        }
        var now = DateTimeOffset.UtcNow;
        var history = new HistoryEntry
        {
            Created = now,
            CreatedBy = string.Join(' ', container.Definition.Entrypoint.Concat(container.Definition.Command)),
            Comment = options.Message,
            EmptyLayer = layer is null,
        };
        var diffIds = image.Layers.Select(l => l.DiffId).ToList();
        if (layer is not null)
        {
            diffIds.Add(layer.Tar.Digest);
        }
        var config = state.Config with
        {
            Created = now,
            Author = options.Author ?? state.Config.Author,
            History = [.. state.Config.History ?? [], history],
            RootFs = new RootFs { DiffIds = diffIds },
        };
        return _containers.Images.CommitBuilt(OciJson.Serialize(config), image.Layers, layer, name is null ? [] : [name], intermediate: false, staging, cancellationToken, [image.Id]);
    }

    private static List<Instruction> ParseChanges(IReadOnlyList<string> changes)
    {
        var result = new List<Instruction>();
        foreach (var change in changes)
        {
            var document = DockerfileParser.Parse(change, "-Change");
            foreach (var line in document.Lines)
            {
                if (!AllowedChanges.Contains(line.Keyword))
                {
                    throw new ContainerToolsException(ErrorIds.ChangeNotAllowed,
                        $"-Change '{change}': {line.Keyword} cannot be applied by a commit (allowed: {string.Join(", ", AllowedChanges.Order())}).", change);
                }
                result.Add(InstructionParser.Parse(line, document.EscapeToken));
            }
        }
        return result;
    }

    /// <summary>The image's config with the container's own settings over it, as docker commit starts from.</summary>
    private static StageState StateOf(Container container, Image image)
    {
        var definition = container.Definition;
        var config = (image.Config.Config ?? new ContainerConfig()) with
        {
            Env = definition.Env.ToList(),
            Entrypoint = definition.Entrypoint.Count == 0 ? null : definition.Entrypoint.ToList(),
            Cmd = definition.Command.Count == 0 ? null : definition.Command.ToList(),
            WorkingDir = definition.WorkingDir,
            User = definition.User ?? image.Config.Config?.User,
            Labels = definition.Labels.Count == 0 ? null : new Dictionary<string, string>(definition.Labels),
            StopSignal = definition.StopSignal == "SIGTERM" ? image.Config.Config?.StopSignal : definition.StopSignal,
        };
        return new StageState
        {
            Config = image.Config with { Config = config, History = image.Config.History ?? [] },
            Layers = [.. image.Layers],
            LayerImageId = image.Id,
            CacheKey = "",
        };
    }
}
