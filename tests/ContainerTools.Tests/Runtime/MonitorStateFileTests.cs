using System.Text.Json;
using ContainerTools.OciRuntime.Cgroups;
using ContainerTools.OciRuntime.State;
using ContainerTools.Runtime.Containers.State;

namespace ContainerTools.Tests.Runtime;

/// <summary>
/// ctmon reads the engine's container.json and state.json through its own records (the low-level library knows none of
/// the engine's types): they must read what the engine writes, property for property.
/// </summary>
public sealed class MonitorStateFileTests
{
    [Fact]
    public void TheMonitorReadsTheEnginesDefinition()
    {
        var definition = new ContainerDefinition
        {
            Id = new string('a', 64),
            Name = "web",
            Image = "busybox:latest",
            ImageId = "sha256:" + new string('0', 64),
            Hostname = "aaaaaaaaaaaa",
            Interactive = true,
            Tty = true,
            AutoRemove = true,
            ConnectedNetworks = [new NetworkConnection { Name = "front" }, new NetworkConnection { Name = "back", Aliases = ["db"] }],
        };
        var json = JsonSerializer.SerializeToUtf8Bytes(definition, ContainerStateJson.Default.ContainerDefinition);

        // What ctmon reads with (MonitorFileJson), and the serializer's reading that it stands for.
        using var document = JsonDocument.Parse(json);
        foreach (var monitored in new[] { MonitorFileJson.ReadContainer(document.RootElement), JsonSerializer.Deserialize(json, MonitorStateJson.Default.MonitoredContainer)! })
        {
            Assert.Equal((definition.Id, definition.Name, definition.Image), (monitored.Id, monitored.Name, monitored.Image));
            Assert.Equal((true, true, true), (monitored.Interactive, monitored.Tty, monitored.AutoRemove));
            Assert.Equal(2, monitored.ConnectedNetworks.Count);
        }
    }

    [Fact]
    public void TheMonitorReadsTheEnginesState()
    {
        var handle = new CgroupHandle { Version = CgroupVersion.V2, Directories = new() { [""] = "/sys/fs/cgroup/x" }, CreatedParents = ["/sys/fs/cgroup/p"] };
        var state = new ContainerRuntimeState { Status = ContainerStatus.Paused, MonitorPid = 4242, Cgroup = handle, StoppedByUser = true };
        var json = JsonSerializer.SerializeToUtf8Bytes(state, ContainerStateJson.Default.ContainerRuntimeState);

        using var document = JsonDocument.Parse(json);
        foreach (var monitored in new[] { MonitorFileJson.ReadState(document.RootElement), JsonSerializer.Deserialize(json, MonitorStateJson.Default.MonitoredState)! })
        {
            Assert.Equal((ContainerStatus.Paused, 4242, true), (monitored.Status, monitored.MonitorPid, monitored.StoppedByUser));
            Assert.Equal(JsonSerializer.Serialize(handle, MonitorStateJson.Default.CgroupHandle), JsonSerializer.Serialize(monitored.Cgroup, MonitorStateJson.Default.CgroupHandle));
        }
    }
}
