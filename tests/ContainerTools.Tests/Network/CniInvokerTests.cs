using System.Text.Json.Nodes;
using ContainerTools.Runtime.Network.Cni;

namespace ContainerTools.Tests.Network;

/// <summary>The invoker's concurrent ADD and DEL, with shell plugins that record what they were given.</summary>
public sealed class CniInvokerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"ct-cni-{Guid.NewGuid():N}");

    public CniInvokerTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void LaterPluginsAllGetTheFirstResultAndDeleteRunsEveryPluginDespiteAFailure()
    {
        // first: the interface maker; second and third: rule makers that hand prevResult on, third's DEL fails.
        Plugin("first", """echo '{"cniVersion":"1.0.0","ips":[{"address":"10.1.2.3/24"}]}'""", "");
        Plugin("second", $$$"""cat > {{{_dir}}}/second.in; echo '{"cniVersion":"1.0.0","ips":[{"address":"10.1.2.3/24"}],"dns":{"nameservers":["10.1.2.1"]}}'""", "");
        Plugin("third", $$"""cat > {{_dir}}/third.in; echo '{"cniVersion":"1.0.0","ips":[{"address":"10.1.2.3/24"}]}'""",
            """echo '{"cniVersion":"1.0.0","code":11,"msg":"third refuses"}'; exit 1""");
        var invoker = new CniInvoker(new CniPluginRunner([_dir]));
        var conflist = new JsonObject
        {
            ["cniVersion"] = "1.0.0", ["name"] = "net",
            ["plugins"] = new JsonArray(new JsonObject { ["type"] = "first" }, new JsonObject { ["type"] = "second" }, new JsonObject { ["type"] = "third" }),
        };
        var attachment = new CniAttachment("c1", "/proc/self/ns/net", "eth0");

        var result = invoker.AddConcurrently(conflist, attachment);

        Assert.Null(result["dns"]); // the last plugin's result is the attachment's, as with sequential chaining
        foreach (var plugin in new[] { "second", "third" })
        {
            var input = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, $"{plugin}.in")))!;
            Assert.Equal("10.1.2.3/24", input["prevResult"]!["ips"]![0]!["address"]!.GetValue<string>());
            Assert.Null(input["prevResult"]!["dns"]);
            Assert.Equal("net", input["name"]!.GetValue<string>());
        }

        var error = Assert.Throws<CniPluginException>(() => invoker.DeleteConcurrently(conflist, attachment, result));
        Assert.Equal(("third", 11), (error.Plugin, error.Code));
        Assert.True(File.Exists(Path.Combine(_dir, "first.del")));
        Assert.True(File.Exists(Path.Combine(_dir, "second.del")));
    }

    [Fact]
    public void AFailedConcurrentAddIsDeletedWholeAndItsErrorReported()
    {
        Plugin("first", """echo '{"cniVersion":"1.0.0","ips":[{"address":"10.1.2.3/24"}]}'""", "");
        Plugin("second", """echo '{"cniVersion":"1.0.0","code":7,"msg":"bad config"}'; exit 1""", "");
        Plugin("third", """cat""", "");
        var invoker = new CniInvoker(new CniPluginRunner([_dir]));
        var conflist = new JsonObject
        {
            ["cniVersion"] = "1.0.0", ["name"] = "net",
            ["plugins"] = new JsonArray(new JsonObject { ["type"] = "first" }, new JsonObject { ["type"] = "second" }, new JsonObject { ["type"] = "third" }),
        };

        var error = Assert.Throws<CniPluginException>(() => invoker.AddConcurrently(conflist, new CniAttachment("c1", "/proc/self/ns/net", "eth0")));

        Assert.Equal(("second", 7), (error.Plugin, error.Code));
        Assert.All(new[] { "first", "second", "third" }, p => Assert.True(File.Exists(Path.Combine(_dir, $"{p}.del")), p));
    }

    /// <summary>A plugin script: the ADD body, and a DEL body that runs after touching NAME.del.</summary>
    private void Plugin(string name, string add, string del)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, $"#!/bin/sh\ncase \"$CNI_COMMAND\" in\nADD) {add};;\nDEL) touch {_dir}/{name}.del; {(del.Length == 0 ? "cat >/dev/null" : del)};;\nesac\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
