using ContainerTools.Runtime.Containers.Devices;
using ContainerTools.OciRuntime.Events;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.Runtime.Network;
using ContainerTools.Runtime.Oci;
using ContainerTools.Runtime.Security;
using ContainerTools.Runtime.Security.UserNamespaces;
using ContainerTools.Runtime.Volumes;
using ContainerTools.OciRuntime.Spec;
using ContainerTools.Runtime.Containers.Services;
using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Containers.Bundle;

namespace ContainerTools.Runtime.Containers;

public sealed partial class ContainerStore
{
    /// <summary>
    /// Creates a container from an image: its record (the image config merged with the options), a holder on the
    /// image, the overlay directories and the OCI bundle. Nothing runs until <see cref="Start"/>.
    /// </summary>
    public Container Create(ContainerCreateOptions options) => Create(options, registered: null);

    /// <param name="registered">Run once the container has its id and directory, before the rest is written (<see cref="RunAttached"/>).</param>
    private Container Create(ContainerCreateOptions options, Action<Container>? registered)
    {
        var image = Images.Resolve(options.Image);
        var config = image.Config.Config ?? new ContainerConfig();
        if (options.StopSignal is not null) SignalNames.Parse(options.StopSignal);
        var restartPolicy = ServicePolicy(options);
        var health = HealthCheckMerge.Merge(options, config.Healthcheck);
        // A missing tini is the user's mistake to hear about now, not at start.
        if (options.Init) ContainerInitBinary.Locate();
        var publish = options.Publish.SelectMany(PortMapping.ParseAll).ToList();
        var network = ValidateNetwork(options, publish);
        var mountRequests = options.Volumes.Select(MountArguments.ParseVolume)
            .Concat(options.Tmpfs.Select(MountArguments.ParseTmpfs))
            .Concat(options.Mounts.Select(MountArguments.ParseMount))
            .ToList();
        var devices = options.Devices.Select(DeviceMapping.Parse).ToList();
        // A missing host device is the user's mistake to hear about now, not at start.
        foreach (var device in devices) HostDevices.Resolve(device);
        var confinement = ContainerConfinement.From(options.Confinement, network);
        // Parsed before the lock for the user's mistakes; allocated again under it, where no other create can take the same ids.
        ContainerIdMaps.Resolve(options.UserNamespace, options.UidMap, options.GidMap, []);
        var container = Register((id, name) =>
        {
            var userNamespace = ContainerIdMaps.Resolve(options.UserNamespace, options.UidMap, options.GidMap,
                ReadAllDefinitions().Select(d => d.UserNamespace).OfType<ContainerIdMaps>());
            var definition = Define(id, name, options, image, config) with
            {
                Network = network, NetworkAliases = options.NetworkAliases, Publish = publish, Devices = devices, Privileged = options.Privileged,
                RestartPolicy = restartPolicy,
                Init = options.Init,
                Health = health,
                LogMaxSize = options.LogMaxSize ?? 0,
                LogMaxFiles = options.LogMaxFiles ?? 1,
                StopTimeout = options.StopTimeout is { } stopTimeout ? (int)Math.Ceiling(stopTimeout.TotalSeconds) : null,
                Confinement = confinement,
                UserNamespace = userNamespace,
            };
            if (mountRequests.Count == 0) return definition;
            try
            {
                var mounts = MountResolver.Resolve(mountRequests, Volumes, id);
                return definition with
                {
                    Mounts = mounts.Select(m => new MountSpec { Destination = m.Destination, Type = m.Type, Source = m.Source, Options = m.Options }).ToList(),
                };
            }
            catch
            {
                ReleaseVolumes(id, removeAnonymous: true);
                throw;
            }
        }, options.Name);
        try
        {
            registered?.Invoke(container);
            Images.AddHolder(image.Id, container.Id);
            var paths = container.Paths;
            var layers = Images.LayerDirectories(image);
            WholeFiles.WriteInPlace(paths.LayersFile, System.Text.Encoding.UTF8.GetBytes(string.Concat(layers.Select(l => l + "\n"))));
            // The work directory is Start's to make (it empties it before each mount); the name files are Start's to
            // write (it writes them at every start, with the network and resolv.conf of that moment).
            foreach (var dir in new[] { paths.UpperDirectory, paths.MergedDirectory, paths.BundleDirectory })
            {
                Directories.Make(dir);
            }
            // Given, not read back from the file just written.
            var spec = ContainerBundle.Write(container, layers);
            RememberWritten(container.Id, new WrittenBundle(layers, spec.Linux.Resources?.Devices ?? RuntimeSpecDefaults.DeviceRules));
            Events.Append(ContainerEventFactory.For(container, ContainerEventActions.Create));
            return container;
        }
        catch
        {
            ReleaseVolumes(container.Id, removeAnonymous: true);
            try { Images.RemoveHolder(image.Id, container.Id); } catch (ContainerToolsException) { }
            try { Directory.Delete(container.Paths.Directory, recursive: true); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>
    /// What Create wrote for a container this store has not started yet: its layer directories (the layers file) and
    /// its bundle's device rules (config.json). The start that follows, mostly in the same call (Invoke-ContainerImage,
    /// docker run), takes them from here instead of reading back both files it has just written.
    /// </summary>
    private sealed record WrittenBundle(IReadOnlyList<string> Layers, IReadOnlyList<DeviceCgroupSpec> DeviceRules);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, WrittenBundle> _written = new(StringComparer.Ordinal);

    private void RememberWritten(string id, WrittenBundle bundle)
    {
        // A long-lived store (ctapi) whose containers are created and never started: it must not grow without end.
        if (_written.Count >= 64) _written.Clear();
        _written[id] = bundle;
    }

    /// <summary>The container's layer directories, lowest first: as Create wrote them, else from its layers file.</summary>
    private IReadOnlyList<string> LayersOf(string id, ContainerPaths paths) =>
        _written.TryGetValue(id, out var written) ? written.Layers
        : File.ReadAllLines(paths.LayersFile).Where(l => l.Length > 0).ToList();

    /// <summary>
    /// The device rules of the container's bundle, as Create wrote them, else read from it (one written before there
    /// were any gets Docker's). The last use of what Create handed over: a rewrite of the bundle after this start
    /// (Connect) is read from the file.
    /// </summary>
    private IReadOnlyList<DeviceCgroupSpec> DeviceRulesOf(string id, ContainerPaths paths) =>
        _written.TryRemove(id, out var written) ? written.DeviceRules
        : BundleReader.ReadDeviceRules(paths.BundleDirectory) ?? RuntimeSpecDefaults.DeviceRules;

    private static ContainerDefinition Define(string id, string name, ContainerCreateOptions options, Image image, ContainerConfig config)
    {
        var entrypoint = options.Entrypoint ?? config.Entrypoint ?? [];
        var command = options.Command ?? (options.Entrypoint is not null ? [] : config.Cmd ?? []);
        if (entrypoint.Count == 0 && command.Count == 0)
        {
            throw new ContainerToolsException(ErrorIds.NoCommand, $"The image '{options.Image}' has no Entrypoint or Cmd, and no command was given.", options.Image);
        }
        var labels = new Dictionary<string, string>(config.Labels ?? new Dictionary<string, string>());
        foreach (var (key, value) in options.Labels ?? new Dictionary<string, string>()) labels[key] = value;
        return new ContainerDefinition
        {
            Id = id,
            Name = name,
            Image = options.Image,
            ImageId = image.Id,
            Entrypoint = entrypoint,
            Command = command,
            Env = MergeEnv(config.Env ?? [], options.Env ?? []),
            WorkingDir = string.IsNullOrEmpty(options.WorkingDir) ? (string.IsNullOrEmpty(config.WorkingDir) ? "/" : config.WorkingDir) : options.WorkingDir,
            User = string.IsNullOrEmpty(options.User) ? (string.IsNullOrEmpty(config.User) ? null : config.User) : options.User,
            Hostname = options.Hostname ?? id.Substring(0, 12),
            Labels = labels,
            Limits = options.Limits,
            StopSignal = options.StopSignal ?? config.StopSignal ?? "SIGTERM",
            CreatedAt = DateTimeOffset.UtcNow,
            Interactive = options.Interactive,
            Tty = options.Tty,
            ReadOnlyRootFs = options.ReadOnlyRootFs,
            AutoRemove = options.AutoRemove,
        };
    }

    /// <summary>The restart policy; Docker refuses one on a container that is removed when it exits.</summary>
    private static RestartPolicy ServicePolicy(ContainerCreateOptions options)
    {
        var policy = options.RestartPolicy is null ? RestartPolicy.None : RestartPolicy.Parse(options.RestartPolicy);
        if (policy.RestartsAtAll && options.AutoRemove)
        {
            throw new ContainerToolsException(ErrorIds.RestartPolicyWithAutoRemove,
                $"The restart policy '{policy}' cannot be used on a container that is removed when it exits (-RemoveAutomatically).", options.RestartPolicy);
        }
        if (options.LogMaxSize is <= 0 || options.LogMaxFiles is < 1 || (options.LogMaxFiles is not null && options.LogMaxSize is null))
        {
            throw new ContainerToolsException(ErrorIds.InvalidLogOptions,
                "The log options are not valid: -LogMaxSize must be more than 0, and -LogMaxFiles (1 or more) needs -LogMaxSize.", options.LogMaxSize);
        }
        if (options.StopTimeout is { } timeout && timeout < TimeSpan.Zero)
        {
            throw new ContainerToolsException(ErrorIds.InvalidStopTimeout, $"The stop timeout '{timeout}' is negative.", timeout);
        }
        return policy;
    }

    /// <summary>Drops the container's marks on its volumes; anonymous volumes left unused go too when asked (Docker's --rm).</summary>
    private void ReleaseVolumes(string id, bool removeAnonymous)
    {
        var orphans = Volumes.ReleaseAll(id);
        if (!removeAnonymous) return;
        foreach (var name in orphans)
        {
            try { Volumes.Remove(name); }
            catch (ContainerToolsException) { }
        }
    }

    /// <summary>The image's env, then the user's: a user KEY replaces the image's KEY in place; a bare KEY takes the engine's value.</summary>
    internal static IReadOnlyList<string> MergeEnv(IReadOnlyList<string> imageEnv, IReadOnlyList<string> userEnv)
    {
        var result = new List<string>(imageEnv);
        foreach (var entry in userEnv)
        {
            var eq = entry.IndexOf('=');
            var key = eq < 0 ? entry : entry.Substring(0, eq);
            var value = eq < 0 ? Environment.GetEnvironmentVariable(key) : null;
            if (eq < 0 && value is null) continue;
            var full = eq < 0 ? $"{key}={value}" : entry;
            var index = result.FindIndex(e => e.StartsWith(key + "=", StringComparison.Ordinal));
            if (index >= 0) result[index] = full;
            else result.Add(full);
        }
        if (!result.Any(e => e.StartsWith("PATH=", StringComparison.Ordinal)))
        {
            result.Insert(0, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        }
        return result;
    }
}
