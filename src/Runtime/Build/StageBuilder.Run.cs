using System.Text.Json;
using ContainerTools.Runtime.Build.Dockerfile;
using ContainerTools.Runtime.Build.Layers;
using ContainerTools.Runtime.Containers;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Build;

// RUN: a container made by the engine from the stage's layers, its upper directory taken as the step's layer.
internal sealed partial class StageBuilder
{
    private const int OutputTailLines = 20;

    private void Run(RunInstruction run)
    {
        var argv = RunArguments(run);
        var env = RunEnvironment();
        var network = run.Network is { } raw ? Word(raw) : _session.Options.Network;
        if (network == "default")
        {
            network = _session.Options.Network;
        }
        if (run.Security is { } security && Word(security) != "sandbox")
        {
            throw DockerfileError.At(run.Line, $"--security={security} is not supported (only sandbox)", "BadFlag");
        }
        using var mounts = RunMounts.Parse(run, Word, _session, from =>
        {
            var layers = SourceLayers(from, run.Line);
            return (LayerMount.Mount(layers, _session.Staging), string.Join(',', layers.Select(Path.GetFileName)));
        });
        if (ScriptHeredoc(run) is { } script)
        {
            // As BuildKit does, a here-document script with its own #! runs as a file, by its interpreter.
            var file = Path.Combine(_session.Staging, $"heredoc-{Guid.NewGuid():N}");
            File.WriteAllText(file, script.Content);
            OciRuntime.Linux.FileNodes.SetMode(OciRuntime.Linux.FileDescriptors.CurrentDirectory, file, 0b111_101_101);
            var target = "/dev/pipes/" + script.Name;
            mounts.Mounts.Add($"type=bind,source={file},target={target},readonly");
            mounts.KeyParts.Add("script " + script.Content);
            argv = [target];
        }
        var user = _state.Container.User;
        var workdir = _state.WorkingDir;
        var createdBy = "RUN " + (run.Command.ShellForm ? string.Join(' ', argv) : JsonSerializer.Serialize(argv));
        var key = BuildCache.Key(_state.CacheKey, "RUN", JsonSerializer.Serialize(argv), JsonSerializer.Serialize(env), user ?? "", workdir, network,
            JsonSerializer.Serialize(mounts.KeyParts));
        if (Cached(key) is { } cached)
        {
            Adopt(cached, key, createdBy, cached: true);
            return;
        }
        if (_state.LayerImageId is null)
        {
            throw DockerfileError.At(run.Line, "RUN needs a file system to run in, and this stage has no layers yet (FROM scratch)", "NothingToRun");
        }
        var containers = _session.Builder.Containers;
        var container = containers.Create(new ContainerCreateOptions
        {
            Image = _state.LayerImageId,
            Entrypoint = [],
            Command = argv,
            Env = env,
            WorkingDir = workdir,
            User = string.IsNullOrEmpty(user) ? null : user,
            Network = network,
            Hostname = "buildkitsandbox",
            Mounts = mounts.Mounts,
            Tmpfs = mounts.Tmpfs,
            Labels = new Dictionary<string, string> { [BuildStaging.OwnerLabel] = Path.GetFileName(_session.Staging) },
        });
        Images.BuiltLayer? layer;
        try
        {
            var tail = new Queue<string>();
            containers.Start(container.Id);
            foreach (var entry in containers.Attach(container.Id, _cancellationToken))
            {
                var text = entry.Text.TrimEnd('\n');
                _session.Output.Output(text);
                tail.Enqueue(text);
                if (tail.Count > OutputTailLines)
                {
                    tail.Dequeue();
                }
            }
            var exitCode = containers.Wait(container.Id, cancellationToken: _cancellationToken);
            if (exitCode != 0)
            {
                throw new ContainerToolsException(ErrorIds.BuildStepFailed,
                    $"STEP {_step}/{_session.TotalSteps}: {run.Line.Original} ({run.Line.File}:{run.Line.StartLine}): " +
                    $"the command {JsonSerializer.Serialize(argv)} exited with code {exitCode}." +
                    (tail.Count > 0 ? " Last output:\n" + string.Join('\n', tail) : ""),
                    run.Line.Original);
            }
            var upper = containers.PathsOf(container.Id).UpperDirectory;
            var stubs = MountStubs.Find(upper, LayerDirectories(), mounts.Targets);
            layer = LayerDiff.IsEmpty(upper, stubs) ? null
                : LayerDiff.FromUpperDirectory(upper, _session.Staging, _session.Options.SourceDateEpoch, stubs, _cancellationToken);
        }
        finally
        {
            containers.Remove(container.Id, force: true);
        }
        Adopt(CommitStep(layer, key, createdBy), key, createdBy, cached: false);
    }

    /// <summary>The argv of a RUN: exec form as written; shell form through SHELL, here-documents fed to the shell.</summary>
    private List<string> RunArguments(RunInstruction run)
    {
        if (!run.Command.ShellForm)
        {
            return run.Command.Words.ToList();
        }
        var text = run.Command.Words[0];
        var heredocs = run.Line.Heredocs;
        if (heredocs.Count == 1 && text.Trim() == heredocs[0].Marker)
        {
            return [.. _state.Shell, heredocs[0].Content];
        }
        // (A script with its own #! is replaced by ScriptHeredoc's file.)
        if (heredocs.Count > 0)
        {
            var script = new System.Text.StringBuilder(text).Append('\n');
            foreach (var heredoc in heredocs)
            {
                script.Append(heredoc.Content).Append(heredoc.Name).Append('\n');
            }
            return [.. _state.Shell, script.ToString()];
        }
        return [.. _state.Shell, text];
    }

    /// <summary>The here-document of a RUN that is nothing but one script starting with #!, or null.</summary>
    private static Dockerfile.Heredoc? ScriptHeredoc(RunInstruction run) =>
        run.Command.ShellForm && run.Line.Heredocs.Count == 1 && run.Command.Words[0].Trim() == run.Line.Heredocs[0].Marker
        && run.Line.Heredocs[0].Content.StartsWith("#!", StringComparison.Ordinal) ? run.Line.Heredocs[0] : null;

    /// <summary>The stage's ENV, then its ARGs that have values and no ENV of the same name, then proxy build arguments.</summary>
    private List<string> RunEnvironment()
    {
        var env = _state.Env.ToList();
        var names = env.Select(e => e.Split('=', 2)[0]).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, value) in _state.Args)
        {
            if (value is not null && names.Add(name))
            {
                env.Add($"{name}={value}");
            }
        }
        foreach (var (name, value) in _session.Options.BuildArguments)
        {
            if (PredefinedArgs.ProxyNames.Contains(name) && names.Add(name))
            {
                env.Add($"{name}={value}");
            }
        }
        return env;
    }
}
