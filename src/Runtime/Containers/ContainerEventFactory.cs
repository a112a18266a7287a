using ContainerTools.OciRuntime.Events;
using ContainerTools.Runtime.Containers.State;

namespace ContainerTools.Runtime.Containers;

/// <summary>The engine's events about a container (<see cref="ContainerEvent"/> lives in the low-level library, which knows no definitions).</summary>
public static class ContainerEventFactory
{
    /// <summary>An event about <paramref name="container"/> with its current name and image.</summary>
    public static ContainerEvent For(Container container, string action, Dictionary<string, string>? attributes = null) =>
        For(container.Definition, action, attributes);

    public static ContainerEvent For(ContainerDefinition definition, string action, Dictionary<string, string>? attributes = null) =>
        ContainerEvent.For(definition.Id, definition.Name, definition.Image, action, attributes);
}
