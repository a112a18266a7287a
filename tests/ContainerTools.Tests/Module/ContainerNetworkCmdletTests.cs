using ContainerTools.Runtime.Network;
using ContainerTools.Runtime.Volumes;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Module;

/// <summary>
/// The network and volume cmdlets in a hosted engine. Containers here run without a network: attaching changes the
/// host's iptables, which the "Host networking" collection checks around its own tests, so live attachment is tested
/// there (Network/ContainerNetworkingTests). Creating, listing, connecting a stopped container and removing a network
/// touch only the store.
/// </summary>
[Collection(ModuleCollection.Name)]
public sealed class ContainerNetworkCmdletTests : IDisposable
{
    private readonly ModuleSession session = new();

    public ContainerNetworkCmdletTests()
    {
        var archive = Path.Combine(session.Directory, "busybox.tar");
        TestImages.BuildDockerArchive(archive, "busybox:latest");
        session.Run("Import-ContainerImage -Path $Archive | Out-Null", new Dictionary<string, object?> { ["Archive"] = archive }).ThrowOnErrors();
    }

    public void Dispose()
    {
        try
        {
            session.Run("Get-Container | Remove-Container -Force; Get-ContainerNetwork | Remove-ContainerNetwork -Force; Get-ContainerVolume | Remove-ContainerVolume -Force -Confirm:$false").ThrowOnErrors();
        }
        finally
        {
            session.Dispose();
        }
    }

    [Fact]
    public void NetworksAreCreatedListedConnectedAndRemoved()
    {
        var network = session.Run("New-ContainerNetwork -Name app -Subnet 10.213.7.0/24").ThrowOnErrors().Values<ContainerNetwork>().Single();
        Assert.Equal("10.213.7.0/24", network.Subnet);
        Assert.Equal("10.213.7.1", network.Gateway);
        session.Run("New-ContainerNetwork -Name other -Subnet 10.213.8.0/24 -Internal | Out-Null").ThrowOnErrors();
        Assert.Equal(["app"], session.Run("Get-ContainerNetwork -Name a*").ThrowOnErrors().Values<ContainerNetwork>().Select(n => n.Name));
        Assert.Equal("NetworkNotFound,ContainerTools.Cmdlets.Networks.GetContainerNetworkCommand", session.Run("Get-ContainerNetwork nosuch").SingleError().FullyQualifiedErrorId);
        Assert.Equal("NetworkAlreadyExists", session.Run("New-ContainerNetwork app").SingleError().FullyQualifiedErrorId.Split(',')[0]);

        var created = session.Run("New-Container busybox -Name web -Network app -NetworkAlias www -Publish 127.0.0.1::80 -Command true").ThrowOnErrors().Output.Single();
        Assert.Equal("app", created.Properties["Network"].Value);
        Assert.Empty((string[])created.Properties["Ports"].Value);
        Assert.Equal("PortsOnInternalNetwork", session.Run("New-Container busybox -Network other -Publish 80 -Command true").SingleError().FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal("NetworkNotFound", session.Run("New-Container busybox -Network nosuch -Command true").SingleError().FullyQualifiedErrorId.Split(',')[0]);

        var connected = session.Run("Connect-ContainerNetwork -Container web -Network other -Alias db -PassThru").ThrowOnErrors().Output.Single();
        Assert.Equal("web", connected.Properties["Name"].Value);
        Assert.Equal("AlreadyConnected", session.Run("Connect-ContainerNetwork web other").SingleError().FullyQualifiedErrorId.Split(',')[0]);
        session.Run("Disconnect-ContainerNetwork web other").ThrowOnErrors();
        Assert.Equal("NotConnected", session.Run("Disconnect-ContainerNetwork web other").SingleError().FullyQualifiedErrorId.Split(',')[0]);

        session.Run("Remove-ContainerNetwork app -WhatIf").ThrowOnErrors();
        Assert.Equal(2, session.Run("Get-ContainerNetwork").ThrowOnErrors().Output.Count);
        session.Run("Get-ContainerNetwork | Remove-ContainerNetwork").ThrowOnErrors();
        Assert.Empty(session.Run("Get-ContainerNetwork").ThrowOnErrors().Output);
        Assert.False(Directory.Exists(Path.Combine(session.StoreRoot, "networks", "app")));
    }

    [Fact]
    public void NamedVolumesKeepDataAcrossContainersAndRefuseRemovalWhileUsed()
    {
        var volume = session.Run("New-ContainerVolume -Name data").ThrowOnErrors().Values<Volume>().Single();
        Assert.Equal("data", volume.Name);
        var hostDir = Path.Combine(session.Directory, "ro");
        Directory.CreateDirectory(hostDir);
        var output = session.Run(
            "Invoke-ContainerImage busybox -Network none -Volume 'data:/data',\"${HostDir}:/ro:ro\" -Tmpfs /scratch -Command sh,-c,'echo kept > /data/f; touch /ro/x 2>/dev/null && echo WROTE || echo READONLY; touch /scratch/t && echo TMPFS'",
            new Dictionary<string, object?> { ["HostDir"] = hostDir }).ThrowOnErrors().Values<string>();
        Assert.Equal(["READONLY", "TMPFS"], output);

        var second = session.Run("Invoke-ContainerImage busybox -Network none -Name reader -Mount 'type=volume,source=data,target=/d,readonly' -Command cat,/d/f").ThrowOnErrors().Values<string>();
        Assert.Equal(["kept"], second);
        var mounts = session.Run("(Get-Container reader).Mounts").ThrowOnErrors().Values<string>();
        Assert.Equal([$"{volume.Mountpoint}:/d:ro"], mounts);

        Assert.Equal("VolumeInUse", session.Run("Remove-ContainerVolume data -Confirm:$false").SingleError().FullyQualifiedErrorId.Split(',')[0]);
        session.Run("Get-Container | Remove-Container").ThrowOnErrors();
        Assert.Equal(["data"], session.Run("Get-ContainerVolume d*").ThrowOnErrors().Values<Volume>().Select(v => v.Name));
        session.Run("Remove-ContainerVolume data -Confirm:$false").ThrowOnErrors();
        Assert.Empty(session.Run("Get-ContainerVolume").ThrowOnErrors().Output);
    }
}
