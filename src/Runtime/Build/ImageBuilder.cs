using ContainerTools.Runtime.Build.Dockerfile;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Errors;
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
            throw new ContainerToolsException(ErrorKind.NotFound, "ContextNotFound", $"The build context '{options.ContextDirectory}' is not a directory.", options.ContextDirectory);
        }
        var platform = options.Platform ?? HostPlatform;
        if (platform != HostPlatform && platform != "linux/amd64/v1")
        {
            throw new ContainerToolsException(ErrorKind.InvalidArgument, "PlatformNotSupported",
                $"Only {HostPlatform} images can be built here (RUN steps run on this host), not '{platform}'.", platform);
        }
        var tags = options.Tags.Select(ImageReference.Parse).ToList();
        var fileName = options.DockerfilePath is null ? "Dockerfile" : Path.GetFileName(options.DockerfilePath);
        var plan = BuildPlan.Parse(options.Dockerfile, fileName);
        var ignore = DockerIgnore.ForContext(context, options.DockerfilePath);

        var target = options.Target is null ? plan.Stages[^1] : plan.FindStage(options.Target)
            ?? throw new ContainerToolsException(ErrorKind.NotFound, "StageNotFound", $"The Dockerfile has no stage '{options.Target}'.", options.Target);
        var metaArgs = MetaArgs(plan, options, platform);
        var needed = NeededStages(plan, target, metaArgs);
        var total = needed.Sum(s => 1 + s.Instructions.Count);

        var staging = Images.Root.CreateTempDirectory("build");
        try
        {
            var session = new BuildSession(this, options, output, plan, context, ignore, metaArgs, staging, total, cancellationToken);
            foreach (var stage in needed)
            {
                cancellationToken.ThrowIfCancellationRequested();
                session.Results[stage.Index] = new StageBuilder(session, stage).Build();
            }
            return Commit(session, session.Results[target.Index], tags, staging, cancellationToken);
        }
        finally
        {
            DirectoryRemover.TryRemove(staging);
        }
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
        return Images.CommitBuilt(OciJson.Serialize(config), state.Layers, null, tags, intermediate: false, staging, cancellationToken);
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

    /// <summary>The target and every stage it depends on (FROM an earlier stage, COPY --from a stage), in Dockerfile order.</summary>
    private static List<BuildStage> NeededStages(BuildPlan plan, BuildStage target, IReadOnlyDictionary<string, string?> metaArgs)
    {
        var lexer = new ShellLexer(plan.Document.EscapeToken);
        var needed = new HashSet<int>();
        var pending = new Stack<BuildStage>([target]);
        while (pending.TryPop(out var stage))
        {
            if (!needed.Add(stage.Index))
            {
                continue;
            }
            var from = lexer.ProcessWord(stage.From.Image, n => metaArgs.GetValueOrDefault(n));
            if (plan.FindStage(from, stage.Index) is { } parent && !from.Contains(':') && !from.Contains('/'))
            {
                pending.Push(parent);
            }
            foreach (var copy in stage.Instructions.OfType<CopyInstruction>())
            {
                if (copy.From is { } source && plan.FindStage(lexer.ProcessWord(source, n => metaArgs.GetValueOrDefault(n)), stage.Index) is { } dependency)
                {
                    pending.Push(dependency);
                }
            }
        }
        return plan.Stages.Where(s => needed.Contains(s.Index)).ToList();
    }
}

/// <summary>What every stage of one build shares: options, output, the plan, the context, results so far, step numbering.</summary>
internal sealed class BuildSession(
    ImageBuilder builder,
    BuildOptions options,
    IBuildOutput output,
    BuildPlan plan,
    string context,
    DockerIgnore ignore,
    IReadOnlyDictionary<string, string?> metaArgs,
    string staging,
    int totalSteps,
    CancellationToken cancellationToken)
{
    public ImageBuilder Builder { get; } = builder;
    public BuildOptions Options { get; } = options;
    public IBuildOutput Output { get; } = output;
    public BuildPlan Plan { get; } = plan;
    public string Context { get; } = context;
    public DockerIgnore Ignore { get; } = ignore;
    public IReadOnlyDictionary<string, string?> MetaArgs { get; } = metaArgs;
    public string Staging { get; } = staging;
    public int TotalSteps { get; } = totalSteps;
    public CancellationToken CancellationToken { get; } = cancellationToken;
    public Dictionary<int, StageState> Results { get; } = new();
    public int StepNumber { get; set; }

    /// <summary>The time written into configs and history: SOURCE_DATE_EPOCH when given.</summary>
    public DateTimeOffset Now => Options.SourceDateEpoch ?? DateTimeOffset.UtcNow;
}
