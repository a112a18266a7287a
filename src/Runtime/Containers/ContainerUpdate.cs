using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Events;
using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Containers.State;

namespace ContainerTools.Runtime.Containers;

/// <summary>What docker update changes: each non-null value replaces the container's; null keeps it.</summary>
public sealed record ContainerUpdateOptions
{
    public long? MemoryBytes { get; init; }
    public double? Cpus { get; init; }
    public long? Pids { get; init; }
    /// <summary>Docker's --restart form; its monitor follows it from the next start (a running monitor keeps the policy it started with).</summary>
    public string? RestartPolicy { get; init; }
}

public sealed partial class ContainerStore
{
    /// <summary>
    /// docker update: the new limits go to container.json and, while the container runs, to its cgroup at once; a new
    /// restart policy is recorded for the next start. Under the container's lock, so it never races a start.
    /// </summary>
    public Container Update(string idOrName, ContainerUpdateOptions options)
    {
        var policy = options.RestartPolicy is null ? null : RestartPolicy.Parse(options.RestartPolicy);
        using var handle = Open(Resolve(idOrName).Id);
        var container = handle.Container;
        var definition = container.Definition;
        if (policy is not null && policy.RestartsAtAll && definition.AutoRemove)
        {
            throw new ContainerToolsException(ErrorIds.RestartPolicyWithAutoRemove,
                $"The restart policy '{policy}' cannot be used on a container that is removed when it exits.", options.RestartPolicy);
        }
        var limits = definition.Limits with
        {
            MemoryBytes = options.MemoryBytes ?? definition.Limits.MemoryBytes,
            Cpus = options.Cpus ?? definition.Limits.Cpus,
            Pids = options.Pids ?? definition.Limits.Pids,
        };
        if (ContainerTransitions.IsActive(container.Status) && container.State.Cgroup is { } cgroup)
        {
            Cgroup.Open(cgroup).SetLimits(new CgroupLimits { MemoryBytes = options.MemoryBytes, Cpus = options.Cpus, Pids = options.Pids });
        }
        var updated = definition with { Limits = limits, RestartPolicy = policy ?? definition.RestartPolicy };
        ContainerStateJson.WriteFile(container.Paths.DefinitionFile, updated, ContainerStateJson.Default.ContainerDefinition);
        Events.Append(ContainerEventFactory.For(updated, ContainerEventActions.Update));
        return container with { Definition = updated };
    }
}
