using System.Text.Json.Nodes;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Network;

namespace ContainerTools.Tests.Network;

[Collection(NetworkCollection.Name)]
public sealed class NetworkCrashTests(NetworkHostState host)
{
    [Fact]
    public void AnAttachCutOffAfterAddIsUndoneByDetach()
    {
        using var sandbox = new NetworkSandbox(host);
        sandbox.CreateNetwork("cut");
        var ns = sandbox.CreateNamespace(out _);
        var endpoint = sandbox.Attach(ns, "cut", "victim", ports: [PortMapping.Parse("127.0.0.1::80")]);
        Assert.Contains(endpoint.IpAddress, string.Join('\n', HostCommand.IptablesRules()));

        // What a process killed between CNI ADD and the final record leaves: the pending record written before ADD.
        var record = Path.Combine(sandbox.RootPath, "networks", "cut", "endpoints", endpoint.ContainerId + ".json");
        var json = JsonNode.Parse(File.ReadAllText(record))!.AsObject();
        json.Remove("cniResult");
        json["pending"] = true;
        json["ip"] = "";
        File.WriteAllText(record, json.ToJsonString());
        Assert.Equal("EndpointAlreadyExists", Assert.Throws<ContainerToolsException>(() =>
            sandbox.Attach(ns, "cut", "victim", containerId: endpoint.ContainerId)).ErrorId);

        Assert.True(sandbox.Store.Detach(endpoint.ContainerId, "cut"));
        Assert.DoesNotContain("eth0", NetworkSandbox.InNamespace(ns, "ip", "-o", "link").Stdout);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(sandbox.RootPath, "networks", "cut", "ipam", "cut"), "10.*"));
        sandbox.Store.Remove("cut");
        sandbox.AssertHostClean();
    }
}
