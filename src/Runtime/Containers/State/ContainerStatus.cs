using System.Text.Json.Serialization;

namespace ContainerTools.Runtime.Containers.State;

[JsonConverter(typeof(JsonStringEnumConverter<ContainerStatus>))]
public enum ContainerStatus
{
    Created,
    Running,
    Paused,
    Exited,
}
