using System.Text.Json;
using ContainerTools.Runtime.Build.Dockerfile;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Oci;

namespace ContainerTools.Runtime.Build;

/// <summary>
/// Builds one stage: FROM, then each instruction in order against the stage's <see cref="StageState"/>. Metadata
/// instructions only change the config (and add an empty_layer history entry); RUN, COPY, ADD and WORKDIR (when it
/// must create the directory) make layers, each looked up in the build cache first. The instruction-specific parts
/// live in StageBuilder.Run.cs and StageBuilder.Copy.cs.
/// </summary>
internal sealed partial class StageBuilder
{
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private readonly BuildSession _session;
    private readonly BuildStage _stage;
    private readonly ShellLexer _lexer;
    private readonly CancellationToken _cancellationToken;
    private StageState _state = null!;
    private int _step;

    /// <param name="firstStep">The step number of this stage's FROM.</param>
    /// <param name="cancellationToken">The build's, or the scheduler's when another stage failed.</param>
    public StageBuilder(BuildSession session, BuildStage stage, int firstStep, CancellationToken cancellationToken)
    {
        _session = session;
        _stage = stage;
        _step = firstStep - 1;
        _cancellationToken = cancellationToken;
        _lexer = new ShellLexer(session.Plan.Document.EscapeToken);
    }

    private ImageStore Images => _session.Builder.Images;

    public StageState Build()
    {
        ReportStep(_stage.From);
        _state = FromBase(_stage.From);
        if (_state.Container.OnBuild is { Count: > 0 } triggers)
        {
            _state.Update(c => c with { OnBuild = null });
            foreach (var trigger in triggers)
            {
                var document = DockerfileParser.Parse(trigger, $"ONBUILD trigger of {_stage.From.Image}");
                foreach (var line in document.Lines)
                {
                    _session.Output.Progress("ONBUILD", trigger);
                    Dispatch(InstructionParser.Parse(line, document.EscapeToken));
                }
            }
        }
        foreach (var instruction in _stage.Instructions)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            ReportStep(instruction);
            try
            {
                Dispatch(instruction);
            }
            catch (ContainerToolsException ex) when (!ex.Message.StartsWith(instruction.Line.File + ":", StringComparison.Ordinal)
                && !ex.Message.StartsWith("STEP ", StringComparison.Ordinal))
            {
                // An engine error (a user RUN cannot switch to, a volume that cannot be made) says where it happened.
                throw new ContainerToolsException(ex.Kind, ex.ErrorId,
                    $"STEP {_step}/{_session.TotalSteps}: {instruction.Line.Original} ({instruction.Line.File}:{instruction.Line.StartLine}): {ex.Message}",
                    ex.Target, ex);
            }
        }
        return _state;
    }

    private void ReportStep(Instruction instruction)
    {
        _step++;
        _session.Output.Step(_step, _session.TotalSteps, instruction.Line.Original);
    }

    private StageState FromBase(FromInstruction from)
    {
        var name = _lexer.ProcessWord(from.Image, n => _session.MetaArgs.GetValueOrDefault(n));
        if (from.Platform is { } rawPlatform)
        {
            var platform = _lexer.ProcessWord(rawPlatform, n => _session.MetaArgs.GetValueOrDefault(n));
            if (platform != ImageBuilder.HostPlatform && platform != "linux/amd64/v1")
            {
                throw DockerfileError.At(from.Line, $"--platform={platform}: only {ImageBuilder.HostPlatform} can be built here", "PlatformNotSupported");
            }
        }
        if (name.Length == 0)
        {
            throw DockerfileError.At(from.Line, $"'{from.Image}' expands to an empty image name", "BadImageName");
        }
        StageState state;
        if (name.Equals("scratch", StringComparison.OrdinalIgnoreCase))
        {
            state = new StageState
            {
                Config = new ImageConfig { Architecture = "amd64", Os = "linux", Config = new ContainerConfig(), History = [] },
                Layers = [],
                CacheKey = BuildCache.Key("scratch"),
            };
        }
        else if (_session.Plan.FindStage(name, _stage.Index) is { } parent && _session.Results.TryGetValue(parent.Index, out var parentState))
        {
            state = parentState.Copy();
        }
        else
        {
            var image = ResolveImage(name, from.Line);
            state = new StageState
            {
                Config = image.Config with { History = image.Config.History ?? [] },
                Layers = [.. image.Layers],
                LayerImageId = image.Id,
                CacheKey = BuildCache.Key("image", image.Id),
            };
        }
        if (state.Lookup("PATH") is null)
        {
            state.Update(c => c with { Env = StageState.SetEnv(c.Env ?? [], "PATH", DefaultPath) });
        }
        return state;
    }

    /// <summary>An image FROM or COPY --from names: from the store, pulled when asked (-Pull) or missing.</summary>
    private Image ResolveImage(string name, DockerfileLine line)
    {
        var pull = _session.Options.PullImage;
        if (_session.Options.Pull && pull is not null)
        {
            return pull(ImageReference.Parse(name), _cancellationToken);
        }
        var image = Images.TryResolve(name);
        if (image is not null)
        {
            return image;
        }
        if (pull is not null)
        {
            return pull(ImageReference.Parse(name), _cancellationToken);
        }
        throw DockerfileError.At(line, $"the image '{name}' is not in the store (pull it first, or build with -Pull)", "ImageNotFound");
    }

    private void Dispatch(Instruction instruction)
    {
        switch (instruction)
        {
            case RunInstruction run:
                Run(run);
                break;
            case CopyInstruction copy:
                Copy(copy);
                break;
            case WorkdirInstruction workdir:
                Workdir(workdir);
                break;
            case ArgInstruction arg:
                DeclareArgs(arg);
                break;
            case FromInstruction from:
                throw DockerfileError.At(from.Line, "FROM is not allowed here");
            default:
                Metadata(ConfigInstructions.Apply(_state, instruction, _lexer));
                break;
        }
    }

    private void DeclareArgs(ArgInstruction arg)
    {
        var parts = new List<string>();
        foreach (var declaration in arg.Arguments)
        {
            string? value;
            if (_session.Options.BuildArguments.TryGetValue(declaration.Name, out var given))
            {
                value = given;
            }
            else if (declaration.Default is { } raw)
            {
                value = Word(raw);
            }
            else
            {
                value = _session.MetaArgs.GetValueOrDefault(declaration.Name);
            }
            _state.Args[declaration.Name] = value;
            parts.Add(value is null ? declaration.Name : $"{declaration.Name}={value}");
        }
        Metadata("ARG " + string.Join(' ', parts));
    }

    /// <summary>A config-only step: the history entry, and the cache chain moves on by the instruction's text.</summary>
    private void Metadata(string createdBy)
    {
        _state.CacheKey = BuildCache.Key(_state.CacheKey, createdBy);
        AddHistory(createdBy, emptyLayer: true, created: null);
    }

    private void AddHistory(string createdBy, bool emptyLayer, DateTimeOffset? created)
    {
        var entry = new HistoryEntry { Created = created ?? _session.Now, CreatedBy = createdBy, Comment = "buildkit.dockerfile.v0", EmptyLayer = emptyLayer };
        _state.Config = _state.Config with { History = [.. _state.Config.History ?? [], entry] };
    }

    private string Word(string raw) => _lexer.ProcessWord(raw, _state.Lookup);

    /// <summary>The layer directories of the stage so far, lowest first.</summary>
    private IReadOnlyList<string> LayerDirectories() => _state.Layers.Select(l => Images.Layers.PathOf(l.DiffId)).ToList();

    /// <summary>
    /// Adopts the image a layer step made (or found in the cache): its layers become the stage's, and the step's history
    /// entry is added (empty_layer when the step changed nothing).
    /// </summary>
    private void Adopt(Image image, string key, string createdBy, bool cached)
    {
        var added = image.Layers.Count > _state.Layers.Count;
        var created = cached ? image.Config.History?.LastOrDefault()?.Created : null;
        _state.Layers = [.. image.Layers];
        _state.LayerImageId = image.Id;
        _state.CacheKey = key;
        AddHistory(createdBy, emptyLayer: !added, created);
    }

    /// <summary>Stores the stage with one more layer (or none, when the step changed nothing) as an intermediate image, and caches it under <paramref name="key"/>.</summary>
    private Image CommitStep(Images.BuiltLayer? layer, string key, string createdBy)
    {
        var entry = new HistoryEntry { Created = _session.Now, CreatedBy = createdBy, Comment = "buildkit.dockerfile.v0", EmptyLayer = layer is null };
        var diffIds = _state.Layers.Select(l => l.DiffId).ToList();
        if (layer is not null)
        {
            diffIds.Add(layer.Tar.Digest);
        }
        var config = _state.Config with
        {
            Created = _session.Now,
            History = [.. _state.Config.History ?? [], entry],
            RootFs = new RootFs { DiffIds = diffIds },
        };
        _session.Output.Progress("Committing layer", layer is null ? "no changes" : $"{layer.Tar.Size / 1024} KiB");
        var image = Images.CommitBuilt(OciJson.Serialize(config), _state.Layers, layer, [], intermediate: true, _session.Staging, _cancellationToken,
            parents: _state.LayerImageId is { } parent ? [parent] : null, holder: _session.Holder);
        _session.Builder.Cache.Put(key, image.Id);
        return image;
    }

    /// <summary>A cached image for <paramref name="key"/>, unless -NoCache.</summary>
    private Image? Cached(string key)
    {
        if (_session.Options.NoCache)
        {
            return null;
        }
        var image = _session.Builder.Cache.TryGet(key);
        if (image is not null && !Images.TryAddHolder(image.Id, _session.Holder))
        {
            image = null;
        }
        if (image is not null)
        {
            _session.Output.UsingCache(image.Id);
        }
        return image;
    }
}
