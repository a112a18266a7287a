using ContainerTools.Runtime.Build.Dockerfile;
using ContainerTools.Runtime.Containers;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Oci;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Build;

/// <summary>
/// docker build: parses the Dockerfile, picks the stages the target needs, dispatches each stage's instructions in
/// order (RUN through the engine's containers, COPY/ADD straight from the context), caches each layer step in the
/// store, and commits the target stage as the built image with its tags. A failure leaves no container, mount or
/// tag behind; the cache of the steps that succeeded stays.
/// </summary>
public sealed class ImageBuilder
{
    public const string HostPlatform = "linux/amd64";

    public ImageBuilder(ContainerStore containers)
    {
        Containers = containers;
        Cache = new BuildCache(containers.Images);
    }

    public ContainerStore Containers { get; }
    public ImageStore Images => Containers.Images;
    public BuildCache Cache { get; }

    public Image Build(BuildOptions options, IBuildOutput? output = null, CancellationToken cancellationToken = default)
    {
        output ??= SilentBuildOutput.Instance;
        var context = Path.GetFullPath(options.ContextDirectory);
        if (!Directory.Exists(context))
        {
            throw new ContainerToolsException(ErrorIds.ContextNotFound, $"The build context '{options.ContextDirectory}' is not a directory.", options.ContextDirectory);
        }
        var platform = options.Platform ?? HostPlatform;
        if (platform != HostPlatform && platform != "linux/amd64/v1")
        {
            throw new ContainerToolsException(ErrorIds.PlatformNotSupported,
                $"Only {HostPlatform} images can be built here (RUN steps run on this host), not '{platform}'.", platform);
        }
        var tags = options.Tags.Select(ImageReference.Parse).ToList();
        var fileName = options.DockerfilePath is null ? "Dockerfile" : Path.GetFileName(options.DockerfilePath);
        var plan = BuildPlan.Parse(options.Dockerfile, fileName);
        var ignore = DockerIgnore.ForContext(context, options.DockerfilePath);

        var target = options.Target is null ? plan.Stages[^1] : plan.FindStage(options.Target)
            ?? throw new ContainerToolsException(ErrorIds.StageNotFound, $"The Dockerfile has no stage '{options.Target}'.", options.Target);
        var metaArgs = MetaArgs(plan, options, platform);
        var dependencies = StageDependencies(plan, target, metaArgs);
        var needed = plan.Stages.Where(s => dependencies.ContainsKey(s.Index)).ToList();
        var total = needed.Sum(s => 1 + s.Instructions.Count);
        // Steps are numbered in Dockerfile order, whatever order concurrent stages report in.
        var firstSteps = new Dictionary<int, int>();
        var step = 1;
        foreach (var stage in needed)
        {
            firstSteps[stage.Index] = step;
            step += 1 + stage.Instructions.Count;
        }

        using var staging = BuildStaging.Create(Containers);
        using var queued = new QueuedBuildOutput(output);
        var session = new BuildSession(this, options, queued, plan, context, ignore, metaArgs, staging.Path, total, cancellationToken);
        StageScheduler.Run(needed, dependencies, queued,
            (stage, token) => session.Results[stage.Index] = new StageBuilder(session, stage, firstSteps[stage.Index], token).Build(),
            cancellationToken);
        return Commit(session with { Output = output }, session.Results[target.Index], tags, staging.Path, cancellationToken);
    }

    /// <summary>The target stage's state as the final image: -Label labels added, times fixed, tags attached.</summary>
    private Image Commit(BuildSession session, StageState state, IReadOnlyList<ImageReference> tags, string staging, CancellationToken cancellationToken)
    {
        if (session.Options.Labels.Count > 0)
        {
            state.Update(c =>
            {
                var labels = new Dictionary<string, string>(c.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
                foreach (var (key, value) in session.Options.Labels)
                {
                    labels[key] = value;
                }
                return c with { Labels = labels };
            });
        }
        var config = state.Config with
        {
            Created = session.Now,
            Architecture = "amd64",
            Os = "linux",
            RootFs = new RootFs { DiffIds = state.Layers.Select(l => l.DiffId).ToList() },
        };
        session.Output.Progress("Committing image", "Writing the image config");
        // Every stage's last image is a parent: removing the built image takes the builder stages' cache with it.
        var parents = session.Results.Values.Select(s => s.LayerImageId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return Images.CommitBuilt(OciJson.Serialize(config), state.Layers, null, tags, intermediate: false, staging, cancellationToken, parents);
    }

    /// <summary>ARGs before the first FROM, with build arguments applied, and the predefined platform arguments.</summary>
    private static Dictionary<string, string?> MetaArgs(BuildPlan plan, BuildOptions options, string platform)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in PredefinedArgs.Platform(platform, HostPlatform))
        {
            values[name] = value;
        }
        var lexer = new ShellLexer(plan.Document.EscapeToken);
        foreach (var arg in plan.MetaArgs)
        {
            foreach (var declaration in arg.Arguments)
            {
                values[declaration.Name] = options.BuildArguments.TryGetValue(declaration.Name, out var given) ? given
                    : declaration.Default is null ? null : lexer.ProcessWord(declaration.Default, n => values.GetValueOrDefault(n));
            }
        }
        return values;
    }

    /// <summary>
    /// The target and every stage it needs (FROM an earlier stage, COPY --from a stage), each with the needed stages it
    /// waits for; stages that are not keys are skipped.
    /// </summary>
    private static Dictionary<int, HashSet<int>> StageDependencies(BuildPlan plan, BuildStage target, IReadOnlyDictionary<string, string?> metaArgs)
    {
        var lexer = new ShellLexer(plan.Document.EscapeToken);
        var dependencies = new Dictionary<int, HashSet<int>>();
        var pending = new Stack<BuildStage>([target]);
        while (pending.TryPop(out var stage))
        {
            if (dependencies.ContainsKey(stage.Index))
            {
                continue;
            }
            var waits = new HashSet<int>();
            var from = lexer.ProcessWord(stage.From.Image, n => metaArgs.GetValueOrDefault(n));
            if (plan.FindStage(from, stage.Index) is { } parent && !from.Contains(':') && !from.Contains('/'))
            {
                waits.Add(parent.Index);
            }
            var sources = stage.Instructions.OfType<CopyInstruction>().Select(c => c.From)
                .Concat(stage.Instructions.OfType<RunInstruction>().SelectMany(r => r.Mounts).Select(MountSource));
            foreach (var source in sources.OfType<string>())
            {
                if (plan.FindStage(lexer.ProcessWord(source, n => metaArgs.GetValueOrDefault(n)), stage.Index) is { } dependency)
                {
                    waits.Add(dependency.Index);
                }
            }
            dependencies[stage.Index] = waits;
            foreach (var index in waits)
            {
                pending.Push(plan.Stages[index]);
            }
        }
        return dependencies;
    }

    /// <summary>The from= of a RUN --mount, raw.</summary>
    private static string? MountSource(string mount) =>
        mount.Split(',').Select(f => f.Trim()).FirstOrDefault(f => f.StartsWith("from=", StringComparison.OrdinalIgnoreCase))?[5..];
}

/// <summary>What every stage of one build shares: options, output, the plan, the context, the stages' results so far.</summary>
internal sealed record BuildSession(
    ImageBuilder Builder,
    BuildOptions Options,
    IBuildOutput Output,
    BuildPlan Plan,
    string Context,
    DockerIgnore Ignore,
    IReadOnlyDictionary<string, string?> MetaArgs,
    string Staging,
    int TotalSteps,
    CancellationToken CancellationToken)
{
    /// <summary>Each finished stage's state, written by its own thread.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<int, StageState> Results { get; } = new();

    /// <summary>Holds the images the build's steps made or took from the cache until it ends: the staging directory's name.</summary>
    public string Holder => Path.GetFileName(Staging);

    /// <summary>The time written into configs and history: SOURCE_DATE_EPOCH when given.</summary>
    public DateTimeOffset Now => Options.SourceDateEpoch ?? DateTimeOffset.UtcNow;
}
