using ContainerTools.Runtime.Containers.Bundle;
using ContainerTools.Runtime.Containers.Devices;
using ContainerTools.Runtime.Containers.Services;
using ContainerTools.Runtime.Containers.State;
using ContainerTools.Runtime.Security;
using ContainerTools.Runtime.Security.Seccomp;
using ContainerTools.OciRuntime.Spec;
using ContainerTools.OciRuntime.State;

namespace ContainerTools.Runtime.Containers;

/// <summary>Writes a container's OCI bundle (bundle/config.json) from its definition, Docker's defaults and its overlay root.</summary>
internal static class ContainerBundle
{
    /// <summary><paramref name="layers"/>: the layer directories, lowest first, when the caller has them (else the layers file).</summary>
    /// <returns>The spec written.</returns>
    public static RuntimeSpec Write(Container container, IReadOnlyList<string>? layers = null)
    {
        var definition = container.Definition;
        var paths = container.Paths;
        layers ??= File.ReadAllLines(paths.LayersFile);
        var (uid, gid) = ContainerUser.Resolve(definition.User, layers);
        var initPath = definition.Init ? ContainerInitBinary.Locate() : null;
        var args = initPath is null ? definition.Args : ContainerInitBinary.Wrap(definition.Args);
        var spec = RuntimeSpecDefaults.Create(args, definition.Hostname, definition.Env, definition.WorkingDir);
        var limits = definition.Limits;
        var (devices, deviceRules) = Devices(definition);
        spec = spec with
        {
            Process = spec.Process with { User = ContainerUser.WithGroups(uid, gid, layers), Terminal = definition.Tty },
            Mounts = [.. spec.Mounts, .. definition.Mounts, .. NameFileMounts(paths), .. (initPath is null ? [] : new[] { ContainerInitBinary.Mount(initPath) })],
            Root = new RootSpec { Path = paths.MergedDirectory, Readonly = definition.ReadOnlyRootFs },
            Annotations = definition.Labels.Count == 0 ? null : new Dictionary<string, string>(definition.Labels),
            // The engine makes the cgroup before ctinit joins it: it sets the limits from the definition (the spec records
            // them for readers) and puts the device rules written here in force (Start reads them back from this file).
            Linux = spec.Linux with
            {
                Namespaces = UserNamespace(NetworkNamespace(spec.Linux.Namespaces, definition, paths.NetnsFile), definition),
                UidMappings = definition.UserNamespace?.Uids,
                GidMappings = definition.UserNamespace?.Gids,
                Resources = new ResourcesSpec
                {
                    Memory = limits.MemoryBytes is { } m ? new MemoryResources { Limit = m } : null,
                    Cpu = limits.Cpus is { } c ? new CpuResources { Quota = (long)Math.Round(c * 100_000), Period = 100_000 } : null,
                    Pids = limits.Pids is { } p ? new PidsResources { Limit = p } : null,
                    Devices = deviceRules,
                },
                Devices = devices.Count == 0 ? null : devices,
            },
        };
        spec = ConfinementSpec.Apply(spec, definition, layers);
        BundleWriter.Write(paths.BundleDirectory, spec, durable: !definition.AutoRemove);
        SeccompPrecompiler.WriteFor(paths.BundleDirectory, spec.Linux.Seccomp);
        return spec;
    }

    /// <summary>
    /// Docker's device handling: the default rules then each -Device's nodes and rules; a privileged container gets
    /// every host node and every access instead (a mapping then only adds its node, under its container path).
    /// </summary>
    private static (List<DeviceSpec> Nodes, List<DeviceCgroupSpec> Rules) Devices(ContainerDefinition definition)
    {
        var nodes = definition.Privileged ? HostDevices.All() : [];
        var rules = new List<DeviceCgroupSpec>(definition.Privileged ? RuntimeSpecDefaults.PrivilegedDeviceRules : RuntimeSpecDefaults.DeviceRules);
        foreach (var mapping in definition.Devices)
        {
            var (mapped, allowed) = HostDevices.Resolve(mapping);
            nodes.RemoveAll(node => mapped.Any(m => m.Path == node.Path));
            nodes.AddRange(mapped);
            if (!definition.Privileged) rules.AddRange(allowed);
        }
        return (nodes, rules);
    }

    /// <summary>"host" shares the host's; a network joins the namespace the engine made and attached; "none" gets a new one.</summary>
    private static IReadOnlyList<NamespaceSpec> NetworkNamespace(IReadOnlyList<NamespaceSpec> namespaces, ContainerDefinition definition, string netnsFile) =>
        definition.Network == NetworkModes.Host ? namespaces.Where(n => n.Type != "network").ToList()
        : definition.UsesNetworkNamespaceFile ? namespaces.Select(n => n.Type == "network" ? n with { Path = netnsFile } : n).ToList()
        : namespaces;

    private static IReadOnlyList<NamespaceSpec> UserNamespace(IReadOnlyList<NamespaceSpec> namespaces, ContainerDefinition definition) =>
        definition.UserNamespace is null ? namespaces : [.. namespaces, new NamespaceSpec { Type = "user" }];

    private static IEnumerable<MountSpec> NameFileMounts(ContainerPaths paths) =>
        new[] { ("/etc/hosts", paths.HostsFile), ("/etc/resolv.conf", paths.ResolvConfFile), ("/etc/hostname", paths.HostnameFile) }
            .Select(m => new MountSpec { Destination = m.Item1, Type = "bind", Source = m.Item2, Options = ["rbind", "rprivate"] });
}
