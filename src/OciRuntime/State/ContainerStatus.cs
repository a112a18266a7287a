using System.Text.Json.Serialization;

namespace ContainerTools.OciRuntime.State;

[JsonConverter(typeof(JsonStringEnumConverter<ContainerStatus>))]
public enum ContainerStatus
{
    Created,
    Running,
    Paused,
    Exited,
}
