namespace ContainerTools.Tests.Api;

/// <summary>Labels on networks and volumes: kept by the engine, shown by inspect, and matched by list and prune filters.</summary>
// Its containers and networks make bridges and iptables rules: it runs in the network tests' collection, whose
// iptables checks would otherwise see them come and go.
[Collection(ContainerTools.Tests.Network.NetworkCollection.Name)]
public sealed class NetworkVolumeLabelTests : IDisposable
{
    private readonly ApiServer _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public void NetworkLabelsAreKeptAndFiltered()
    {
        Assert.Equal(0, _server.Docker("network", "create", "--label", "team=api", "--label", "tier", "labelled").ExitCode);
        Assert.Equal(0, _server.Docker("network", "create", "plain").ExitCode);
        Assert.Equal("api\n", _server.Docker("network", "inspect", "-f", "{{index .Labels \"team\"}}", "labelled").Output);
        Assert.Equal("api", Assert.Single(_server.Engine.Networks.List(), n => n.Name == "labelled").Labels?["team"]);
        Assert.Equal("labelled\n", _server.Docker("network", "ls", "--filter", "label=team=api", "--format", "{{.Name}}").Output);
        Assert.Equal("labelled\n", _server.Docker("network", "ls", "--filter", "label=tier", "--format", "{{.Name}}").Output);
        Assert.Equal("", _server.Docker("network", "ls", "--filter", "label=team=web", "--format", "{{.Name}}").Output);
        Assert.Equal(0, _server.Docker("network", "prune", "-f", "--filter", "label=team=api").ExitCode);
        Assert.Equal(["plain"], _server.Engine.Networks.List().Where(n => !n.IsDefault).Select(n => n.Name));
        Assert.Equal(0, _server.Docker("network", "rm", "plain").ExitCode);
    }

    [Fact]
    public void VolumeLabelsAreKeptAndFiltered()
    {
        Assert.Equal(0, _server.Docker("volume", "create", "--label", "team=api", "labelled").ExitCode);
        Assert.Equal(0, _server.Docker("volume", "create", "plain").ExitCode);
        // Creating a named volume again answers with the one there (its labels unchanged), as dockerd does.
        Assert.Equal(0, _server.Docker("volume", "create", "--label", "team=web", "labelled").ExitCode);
        Assert.Equal("api\n", _server.Docker("volume", "inspect", "-f", "{{index .Labels \"team\"}}", "labelled").Output);
        Assert.Equal("labelled\n", _server.Docker("volume", "ls", "--filter", "label=team=api", "--format", "{{.Name}}").Output);
        Assert.Equal("", _server.Docker("volume", "ls", "--filter", "label=team=web", "--format", "{{.Name}}").Output);
        Assert.Equal(0, _server.Docker("volume", "prune", "-f", "--filter", "label=team").ExitCode);
        Assert.Equal("plain", Assert.Single(_server.Engine.Volumes.List()).Name);
        Assert.Equal(0, _server.Docker("volume", "rm", "plain").ExitCode);
    }
}
