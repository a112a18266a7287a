using System.Collections;
using ContainerTools.OciRuntime.Events;

namespace ContainerTools;

/// <summary>One line of `docker events`: something that happened to a container.</summary>
public sealed class ContainerEvent
{
    public DateTime Time { get; init; }
    /// <summary>Always 'container' for now.</summary>
    public string Type { get; init; } = "container";
    /// <summary>create, start, die, oom, pause, unpause, stop, destroy, exec, rename.</summary>
    public string Action { get; init; } = "";
    public string Id { get; init; } = "";
    /// <summary>The container's name when the event happened.</summary>
    public string Name { get; init; } = "";
    public string Image { get; init; } = "";
    /// <summary>exitCode (die), oldName (rename), and so on.</summary>
    public Hashtable Attributes { get; init; } = new();

    public override string ToString() => $"{Time:O} {Type} {Action} {Id} (name={Name}, image={Image})";

    public static ContainerEvent From(ContainerTools.OciRuntime.Events.ContainerEvent e)
    {
        var attributes = new Hashtable(StringComparer.Ordinal);
        foreach (var (key, value) in e.Attributes)
        {
            attributes[key] = value;
        }
        return new ContainerEvent
        {
            Time = e.Time.LocalDateTime,
            Type = e.Type,
            Action = e.Action,
            Id = e.Id,
            Name = e.Name,
            Image = e.Image,
            Attributes = attributes,
        };
    }
}
