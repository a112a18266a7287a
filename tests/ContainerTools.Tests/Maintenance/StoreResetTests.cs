using System.Security.Cryptography;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Maintenance;
using ContainerTools.Runtime.Network;
using ContainerTools.Tests.Lifecycle;
using ContainerTools.Tests.Network;

namespace ContainerTools.Tests.Maintenance;

/// <summary>
/// Reset-ContainerStore's engine: a reset leaves nothing of the store on the host, and the orphan sweep removes what a
/// store deleted by hand left, while a live store's objects and another program's look-alikes stay.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class StoreResetTests(NetworkHostState host)
{
    [Fact]
    public void AResetStoreLeavesNoContainerImageNetworkVolumeOrHostObjectBehind()
    {
        var containers = new ContainerHost();
        try
        {
            var web = RunPublishedServer(containers);
            var footprint = new StoreFootprint(containers.Store);
            AssertEveryKind(footprint);
            var marked = NetworkLinks(containers.Store.Networks.Get("front").Bridge);
            Assert.Contains($"containertools network front {containers.Store.Networks.Get("front").Bridge} store {containers.RootPath}", marked);

            var survey = new StoreReset(containers.Store).Survey();
            Assert.Equal(["web"], survey.Containers);
            Assert.Single(survey.Images);
            Assert.Equal(["front"], survey.Networks);
            Assert.Equal(["data"], survey.Volumes);
            Assert.Contains(survey.HostObjects, o => o.Kind == "link");
            Assert.Contains(survey.HostObjects, o => o.Kind == "mount");
            Assert.Contains(survey.HostObjects, o => o.Kind == "process");

            var report = new StoreReset(containers.Store).Reset();

            Assert.Empty(report.Failures);
            Assert.Empty(footprint.StillPresent());
            Assert.Empty(containers.Store.List());
            Assert.Empty(containers.Images.List());
            Assert.Empty(containers.Store.Networks.List());
            Assert.Empty(containers.Store.Volumes.List());
            Assert.Empty(Directory.EnumerateFileSystemEntries(containers.RootPath));
            Assert.Empty(new StoreReset(containers.Store).Survey().HostObjects);
            Assert.False(Directory.Exists($"/proc/{web.State.Pid}") && File.ReadAllText($"/proc/{web.State.Pid}/cmdline").Contains("httpd"));
            host.AssertIptablesAsBefore();
        }
        finally
        {
            Cleanup(containers);
        }
    }

    [Fact]
    public void OrphanedObjectsOfADeletedStoreAreRemovedWhileALiveStoreAndAnotherProgramKeepTheirs()
    {
        var deleted = new ContainerHost();
        var live = new ContainerHost();
        var tag = Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
        // Another program's look-alikes: a bridge named like ours without our mark, a bridge whose alias is someone
        // else's, and a nat chain with a CNI-style comment naming the same network name and the deleted store's container.
        var lookalike = "ct-" + tag;
        var foreignBridge = "tf" + tag;
        var foreignChain = "TEST-FOREIGN-" + tag;
        var deletedId = "";
        try
        {
            deletedId = RunPublishedServer(deleted).Id;
            RunPublishedServer(live);
            var deletedFootprint = new StoreFootprint(deleted.Store);
            var liveFootprint = new StoreFootprint(live.Store);
            AssertEveryKind(deletedFootprint);
            HostCommand.Check("ip", "link", "add", lookalike, "type", "bridge");
            HostCommand.Check("ip", "link", "add", foreignBridge, "type", "bridge");
            HostCommand.Check("ip", "link", "set", foreignBridge, "alias", "podman network front");
            HostCommand.Check("iptables", "-w", "-t", "nat", "-N", foreignChain);
            HostCommand.Check("iptables", "-w", "-t", "nat", "-A", "POSTROUTING", "-m", "comment", "--comment", $"dnat name: \"front\" id: \"{deletedId}\"", "-j", foreignChain);

            // What a user does: the store's directory goes, its containers still running (rm stops at the mounts).
            HostCommand.Run("rm", "-rf", deleted.RootPath);

            var orphaned = OrphanedHostObjects.Find();
            var leftovers = Assert.Single(orphaned, o => o.StorePath == deleted.RootPath);
            Assert.DoesNotContain(orphaned, o => o.StorePath == live.RootPath);
            Assert.DoesNotContain(orphaned.SelectMany(o => o.Objects), o => o.Name.Contains(lookalike) || o.Name.Contains(foreignBridge) || o.Name.Contains(foreignChain));
            foreach (var kind in new[] { "link", "iptables", "mount", "process", "cgroup" })
            {
                Assert.Contains(leftovers.Objects, o => o.Kind == kind);
            }

            leftovers.Remove();

            Assert.Empty(deletedFootprint.StillPresent());
            Assert.Equal(liveFootprint.Objects, liveFootprint.StillPresent());
            var links = HostCommand.Check("ip", "-o", "link", "show");
            Assert.Contains($": {lookalike}:", links);
            Assert.Contains($": {foreignBridge}:", links);
            Assert.Contains($":{foreignChain} ", HostCommand.Check("iptables-save", "-t", "nat"));
            Assert.DoesNotContain(OrphanedHostObjects.Find(), o => o.StorePath == deleted.RootPath);
            Assert.Empty(new StoreReset(live.Store).Reset().Failures);
            Assert.Empty(liveFootprint.StillPresent());
        }
        finally
        {
            HostCommand.Run("ip", "link", "del", lookalike);
            HostCommand.Run("ip", "link", "del", foreignBridge);
            while (HostCommand.Run("iptables", "-w", "-t", "nat", "-D", "POSTROUTING", "-m", "comment", "--comment", $"dnat name: \"front\" id: \"{deletedId}\"", "-j", foreignChain).ExitCode == 0)
            {
            }
            HostCommand.Run("iptables", "-w", "-t", "nat", "-X", foreignChain);
            if (Directory.Exists(deleted.RootPath))
            {
                Cleanup(deleted);
            }
            else
            {
                foreach (var item in OrphanedHostObjects.Find().Where(o => o.StorePath == deleted.RootPath)) item.Remove();
            }
            Cleanup(live);
        }
        host.AssertIptablesAsBefore();
    }

    [Fact]
    public void AMarkNamesTheStoreAndSurvivesPathsThatNeedEscaping()
    {
        var network = new ContainerNetwork { Name = "front", Id = new string('a', 64), Subnet = "10.1.2.0/24", Gateway = "10.1.2.1", Bridge = "ct-aaaaaaaaaaaa", Created = DateTimeOffset.UnixEpoch };
        var plain = NetworkMark.For(network, "/var/lib/containertools");
        Assert.Equal("containertools network front ct-aaaaaaaaaaaa store /var/lib/containertools", plain.Text);
        Assert.Equal(plain, NetworkMark.TryParse(plain.Text));

        var odd = NetworkMark.For(network, "/tmp/a store \"quoted\"/é%");
        Assert.DoesNotContain(' ', odd.Text[(odd.Text.IndexOf(" store ") + 7)..]);
        Assert.DoesNotContain('"', odd.Text);
        Assert.Equal(odd, NetworkMark.TryParse(odd.Text));

        var tooLong = NetworkMark.For(network, "/" + new string('x', 300));
        Assert.Equal("containertools network front ct-aaaaaaaaaaaa", tooLong.Text);
        Assert.Null(NetworkMark.TryParse(tooLong.Text)!.StorePath);

        Assert.Null(NetworkMark.TryParse("podman network front"));
        Assert.Null(NetworkMark.TryParse("dnat name: \"front\" id: \"abc\""));
        Assert.Null(NetworkMark.TryParse(null));
    }

    private static Container RunPublishedServer(ContainerHost containers)
    {
        containers.Store.Networks.Create("front", NetworkSandbox.RandomSubnet());
        containers.Store.Volumes.Create("data");
        return containers.Run(new ContainerCreateOptions
        {
            Image = "busybox", Name = "web", Network = "front", Publish = ["127.0.0.1::8080"], Volumes = ["data:/data"],
            Command = ["sh", "-c", "mkdir -p /www && echo hi > /www/index.html && exec httpd -f -p 8080 -h /www"],
        });
    }

    private static void AssertEveryKind(StoreFootprint footprint)
    {
        foreach (var kind in new[] { "link ", "iptables :CT-MASQ-", "iptables -A CNI-DN-", "mount ", "process ", "cgroup " })
        {
            Assert.Contains(footprint.Objects, o => o.StartsWith(kind));
        }
    }

    private static string NetworkLinks(string bridge) => File.ReadAllText($"/sys/class/net/{bridge}/ifalias");


    private static void Cleanup(ContainerHost containers)
    {
        try
        {
            new StoreReset(containers.Store).Reset();
        }
        catch (Exception)
        {
            // Dispose reports what is left.
        }
        containers.Dispose();
    }
}
