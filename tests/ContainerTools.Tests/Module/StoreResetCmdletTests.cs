using ContainerTools.Runtime.Maintenance;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Module;

/// <summary>
/// Reset-ContainerStore in a hosted engine: -WhatIf changes nothing, -Force empties the store without asking, a running
/// container included (its monitor, mounts and cgroup go with it). Its containers run without a network: the host
/// networking side is tested in Maintenance/StoreResetTests.
/// </summary>
[Collection(ModuleCollection.Name)]
public sealed class StoreResetCmdletTests : IDisposable
{
    private readonly ModuleSession session = new();

    public void Dispose() => session.Dispose();

    [Fact]
    public void WhatIfChangesNothingAndForceEmptiesTheStoreWithoutAsking()
    {
        var archive = Path.Combine(session.Directory, "busybox.tar");
        TestImages.BuildDockerArchive(archive, "busybox:latest");
        session.Run("Import-ContainerImage -Path $Archive | Out-Null", new Dictionary<string, object?> { ["Archive"] = archive }).ThrowOnErrors();
        session.Run("New-ContainerNetwork -Name app -Subnet 10.213.9.0/24 | Out-Null; New-ContainerVolume -Name data | Out-Null").ThrowOnErrors();
        session.Run("$c = New-Container busybox -Name idle -Network none -Volume data:/data -Command sleep, 600; Start-Container $c | Out-Null").ThrowOnErrors();
        var monitor = session.Run("(Get-Container idle).Id").ThrowOnErrors().Values<string>().Single();

        session.Run("Reset-ContainerStore -WhatIf").ThrowOnErrors();
        Assert.Equal(["idle"], session.Run("(Get-Container).Name").ThrowOnErrors().Values<string>());
        Assert.Equal("Running", session.Run("(Get-Container idle).Status.ToString()").ThrowOnErrors().Values<string>().Single());

        var removed = session.Run("Reset-ContainerStore -Force -PassThru").ThrowOnErrors().Values<StoreContents>().Single();
        Assert.Equal(["idle"], removed.Containers);
        Assert.Equal(["app"], removed.Networks);
        Assert.Equal(["data"], removed.Volumes);
        Assert.Single(removed.Images);
        Assert.Contains(removed.HostObjects, o => o.Kind == "process");
        Assert.Empty(removed.Failures);
        Assert.Empty(session.Run("Get-Container; Get-ContainerImage; Get-ContainerNetwork; Get-ContainerVolume").ThrowOnErrors().Output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(session.StoreRoot));
        Assert.DoesNotContain(File.ReadLines("/proc/self/mountinfo"), l => l.Contains(session.StoreRoot));
        Assert.Empty(Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _) && ReadCommandLine(d).Contains(monitor)));

        Assert.Empty(session.Run("Reset-ContainerStore -Force -PassThru").ThrowOnErrors().Values<StoreContents>().Single().HostObjects);
    }

    [Fact]
    public void OrphanedIsAParameterSetOfItsOwnAndForceDoesNotOverrideWhatIf()
    {
        Assert.Equal(["Orphaned", "Store"], session.Run("(Get-Command Reset-ContainerStore).ParameterSets.Name").ThrowOnErrors().Values<string>().Order());
        Assert.True(session.Run("(Get-Command Reset-ContainerStore).Parameters['Orphaned'].ParameterSets['Orphaned'].IsMandatory").ThrowOnErrors().Values<bool>().Single());
        session.Run("New-ContainerVolume -Name keep | Out-Null").ThrowOnErrors();
        Assert.Empty(session.Run("Reset-ContainerStore -Force -WhatIf -PassThru").ThrowOnErrors().Output);
        Assert.Equal(["keep"], session.Run("(Get-ContainerVolume).Name").ThrowOnErrors().Values<string>());
        session.Run("Reset-ContainerStore -Force").ThrowOnErrors();
        Assert.Empty(session.Run("Get-ContainerVolume").ThrowOnErrors().Output);
    }

    private static string ReadCommandLine(string procDirectory)
    {
        try { return File.ReadAllText(Path.Combine(procDirectory, "cmdline")); }
        catch (IOException) { return ""; }
    }
}
