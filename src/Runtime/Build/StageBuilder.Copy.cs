using System.Globalization;
using ContainerTools.Runtime.Build.Copy;
using ContainerTools.Runtime.Build.Dockerfile;
using ContainerTools.Runtime.Build.Layers;
using ContainerTools.Runtime.Containers;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Files;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Runtime.Build;

// COPY, ADD and WORKDIR: layers written straight into an overlay of the stage's layers, no container involved.
internal sealed partial class StageBuilder
{
    private void Copy(CopyInstruction copy)
    {
        var destination = Word(copy.Destination);
        if (destination.Length == 0)
        {
            throw DockerfileError.At(copy.Line, "the destination is empty");
        }
        var workdir = _state.WorkingDir;
        if (!destination.StartsWith('/'))
        {
            destination = (workdir.EndsWith('/') ? workdir : workdir + "/") + destination;
        }
        var chown = copy.Chown is { } rawChown ? Word(rawChown) : null;
        var chmod = copy.Chmod is { } rawChmod ? Word(rawChmod) : null;
        uint? mode = null;
        if (chmod is not null)
        {
            if (!uint.TryParse(chmod, NumberStyles.None, null, out _) || chmod.Any(c => c > '7') || Convert.ToUInt32(chmod, 8) > 0xFFF)
            {
                throw DockerfileError.At(copy.Line, $"--chmod={chmod} is not an octal mode", "BadFlag");
            }
            mode = Convert.ToUInt32(chmod, 8);
        }
        if (copy.Excludes.Count > 0)
        {
            throw DockerfileError.At(copy.Line, "--exclude is not supported", "BadFlag");
        }

        var scratch = Path.Combine(_session.Staging, $"sources-{Guid.NewGuid():N}");
        LayerMount? sourceMount = null;
        try
        {
            var (root, isContext, ignore) = SourceRoot(copy, ref sourceMount);
            var sources = new List<CopySource>();
            var localPatterns = new List<string>();
            foreach (var raw in copy.Sources)
            {
                var heredoc = copy.Line.Heredocs.FirstOrDefault(h => h.Marker == raw);
                if (heredoc is not null)
                {
                    Directory.CreateDirectory(scratch);
                    var file = Path.Combine(scratch, heredoc.Name);
                    File.WriteAllText(file, heredoc.Expand ? Word(heredoc.Content) : heredoc.Content);
                    OciRuntime.Linux.FileNodes.SetMode(OciRuntime.Linux.FileDescriptors.CurrentDirectory, file, 0b110_100_100);
                    sources.Add(new CopySource(scratch, heredoc.Name, false));
                    continue;
                }
                var source = Word(raw);
                if (copy.IsAdd && InstructionParser.IsUrl(source))
                {
                    Directory.CreateDirectory(scratch);
                    sources.Add(UrlSource.Download(source, copy.Checksum is { } c ? Word(c) : null, scratch, copy.Line, _cancellationToken));
                    continue;
                }
                localPatterns.Add(source);
            }
            // --parents: where each source lands below the destination (its path, after a "/./" pivot when it has one).
            var placedAt = new Dictionary<CopySource, string>();
            if (copy.Parents)
            {
                foreach (var pattern in localPatterns)
                {
                    var pivot = pattern.IndexOf("/./", StringComparison.Ordinal);
                    var strip = pivot < 0 ? "" : DockerIgnore.Clean(pattern[..pivot]);
                    foreach (var source in CopySources.Resolve(root, [pattern], ignore, isContext, copy.Line))
                    {
                        sources.Add(source);
                        placedAt[source] = strip.Length > 0 && source.RelativePath.StartsWith(strip + "/", StringComparison.Ordinal)
                            ? source.RelativePath[(strip.Length + 1)..] : source.RelativePath;
                    }
                }
            }
            else if (localPatterns.Count > 0)
            {
                sources.AddRange(CopySources.Resolve(root, localPatterns, ignore, isContext, copy.Line));
            }
            if (copy.IsAdd)
            {
                sources = sources.Select(s => s.Root == scratch ? s : ArchiveSource.TryExtract(s, scratch, _cancellationToken) ?? s).ToList();
            }
            var manyOrWildcard = copy.Sources.Count > 1 || copy.Sources.Any(s => GoPattern.HasWildcards(Word(s)));
            var keyword = copy.IsAdd ? "ADD" : "COPY";
            var createdBy = $"{keyword} {(chown is null ? "" : $"--chown={chown} ")}{(chmod is null ? "" : $"--chmod={chmod} ")}{string.Join(' ', copy.Sources.Select(Word))} {destination}";
            _session.Output.Progress("Reading sources", $"{sources.Count} source(s)");
            var digest = SourceDigest.Of(sources, isContext ? ignore : DockerIgnore.None);
            var key = BuildCache.Key(_state.CacheKey, keyword, destination, chown ?? "", chmod ?? "", manyOrWildcard ? "many" : "one", digest,
                copy.Parents ? "parents " + string.Join('\n', sources.Select(src => placedAt.GetValueOrDefault(src, "")).Order(StringComparer.Ordinal)) : "");
            if (Cached(key) is { } cached)
            {
                Adopt(cached, key, createdBy, cached: true);
                return;
            }
            var owner = chown is null ? ((int, int)?)null : ResolveChown(chown, copy.Line);
            var options = new FileCopyOptions(KeepOwners: false)
            {
                Owner = owner,
                Mode = mode,
                SkipSource = isContext && ignore != DockerIgnore.None ? ignore.Excludes : null,
            };
            var layer = WriteLayer(merged =>
            {
                if (!copy.Parents)
                {
                    CopyPlacement.Place(merged, sources, destination, manyOrWildcard, options, copy.Line, _cancellationToken);
                    return;
                }
                foreach (var source in sources)
                {
                    CopyPlacement.Place(merged, [source], ParentsDestination(destination, source, placedAt.GetValueOrDefault(source)), true, options, copy.Line, _cancellationToken);
                }
            });
            Adopt(CommitStep(layer, key, createdBy), key, createdBy, cached: false);
        }
        finally
        {
            sourceMount?.Dispose();
            DirectoryRemover.TryRemove(scratch);
        }
    }

    /// <summary>COPY --parents: a directory's contents go to DEST/its path, a file into DEST/its parent's path.</summary>
    private static string ParentsDestination(string destination, CopySource source, string? placedAt)
    {
        var below = placedAt is null ? "" : source.IsDirectory ? placedAt : Path.GetDirectoryName(placedAt) ?? "";
        return below.Length == 0 ? destination.TrimEnd('/') + "/" : destination.TrimEnd('/') + "/" + below + "/";
    }

    /// <summary>Where COPY reads: the context (with .dockerignore), or the root of the stage or image --from names.</summary>
    private (string Root, bool IsContext, DockerIgnore Ignore) SourceRoot(CopyInstruction copy, ref LayerMount? mount)
    {
        if (copy.From is not { } rawFrom)
        {
            return (_session.Context, true, _session.Ignore);
        }
        mount = LayerMount.Mount(SourceLayers(Word(rawFrom), copy.Line), _session.Staging);
        return (mount.Merged, false, DockerIgnore.None);
    }

    /// <summary>The layers of the stage (name or index, an earlier one) or image a --from names.</summary>
    private IReadOnlyList<string> SourceLayers(string from, DockerfileLine line)
    {
        IReadOnlyList<string> layers;
        if (_session.Plan.FindStage(from, _stage.Index) is { } stage && _session.Results.TryGetValue(stage.Index, out var result))
        {
            layers = result.Layers.Select(l => Images.Layers.PathOf(l.DiffId)).ToList();
        }
        else if (_session.Plan.Stages.Any(s => s.Name == from.ToLowerInvariant() && s.Index >= _stage.Index))
        {
            throw DockerfileError.At(line, $"--from={from} names a stage that comes later; a stage may only copy from earlier ones", "StageNotFound");
        }
        else
        {
            layers = Images.LayerDirectories(ResolveImage(from, line));
        }
        return layers;
    }

    /// <summary>--chown=user[:group], names looked up in the stage's /etc/passwd and /etc/group; a user alone means the same number for the group.</summary>
    private (int Uid, int Gid) ResolveChown(string chown, DockerfileLine line)
    {
        try
        {
            var colon = chown.IndexOf(':');
            var (uid, gid) = ContainerUser.Resolve(chown, LayerDirectories());
            return colon < 0 ? ((int)uid, (int)uid) : ((int)uid, (int)gid);
        }
        catch (ContainerToolsException ex)
        {
            throw DockerfileError.At(line, $"--chown={chown}: {ex.Message}", ex.ErrorId);
        }
    }

    private void Workdir(WorkdirInstruction workdir)
    {
        var full = _state.ChangeWorkingDir(Word(workdir.Path));
        var createdBy = "WORKDIR " + full;
        if (ExistsInLayers(full))
        {
            Metadata(createdBy);
            return;
        }
        var key = BuildCache.Key(_state.CacheKey, "WORKDIR", full);
        if (Cached(key) is { } cached)
        {
            Adopt(cached, key, createdBy, cached: true);
            return;
        }
        var layer = WriteLayer(merged =>
        {
            var rootFd = RootfsPath.OpenRoot(merged);
            try
            {
                OciRuntime.Linux.FileDescriptors.Close(CopyPlacement.MakeDirectories(rootFd, full, null, workdir.Line));
            }
            finally
            {
                OciRuntime.Linux.FileDescriptors.Close(rootFd);
            }
        });
        Adopt(CommitStep(layer, key, createdBy), key, createdBy, cached: false);
    }

    /// <summary>Whether the topmost layer that has <paramref name="path"/> has it as a directory (a whiteout hides it).</summary>
    private bool ExistsInLayers(string path)
    {
        var relative = path.TrimStart('/');
        if (relative.Length == 0)
        {
            return true;
        }
        foreach (var layer in LayerDirectories().Reverse())
        {
            var candidate = Path.Combine(layer, relative);
            if (Directory.Exists(candidate))
            {
                return new DirectoryInfo(candidate).LinkTarget is null;
            }
            if (Path.Exists(candidate))
            {
                return false;
            }
        }
        return false;
    }

    /// <summary>Runs <paramref name="change"/> on an overlay of the stage's layers; what it wrote becomes the layer (null: nothing).</summary>
    private Images.BuiltLayer? WriteLayer(Action<string> change)
    {
        using var mount = LayerMount.Mount(LayerDirectories(), _session.Staging);
        change(mount.Merged);
        mount.Unmount();
        IReadOnlySet<string> none = new HashSet<string>();
        return LayerDiff.IsEmpty(mount.Upper, none) ? null
            : LayerDiff.FromUpperDirectory(mount.Upper, _session.Staging, _session.Options.SourceDateEpoch, none, _cancellationToken);
    }
}
