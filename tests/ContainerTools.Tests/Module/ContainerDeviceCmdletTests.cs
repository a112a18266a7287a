using System.Management.Automation;

namespace ContainerTools.Tests.Module;

/// <summary>-Device and -Privileged through New-Container and Invoke-ContainerImage, on real busybox containers.</summary>
[Collection(ModuleCollection.Name)]
public sealed class ContainerDeviceCmdletTests : BusyboxModuleTest
{
    [Fact]
    public void DeviceOpensTheGivenNodeWithItsPermissionsOnly()
    {
        var run = session.Run("Invoke-ContainerImage busybox -Device /dev/fuse:r -Command sh,-c,'true < /dev/fuse && echo read-opened; true 2>/dev/null <> /dev/fuse || echo write-refused'");

        Assert.Equal(["read-opened", "write-refused"], run.ThrowOnErrors().Values<string>());
    }

    [Fact]
    public void TheContainerShowsItsDevicesAndPrivilege()
    {
        var plain = session.Run("New-Container busybox -Command true").ThrowOnErrors().Output.Single();
        var given = session.Run("New-Container busybox -Command true -Device /dev/fuse,/dev/loop-control:/dev/lc:rw -Privileged").ThrowOnErrors().Output.Single();

        Assert.Empty((string[])plain.Properties["Devices"].Value);
        Assert.False((bool)plain.Properties["Privileged"].Value);
        Assert.Equal(["/dev/fuse:/dev/fuse:rwm", "/dev/loop-control:/dev/lc:rw"], (string[])given.Properties["Devices"].Value);
        Assert.True((bool)given.Properties["Privileged"].Value);
    }

    [Fact]
    public void ABadDeviceIsAnErrorRecordAndCreatesNothing()
    {
        var invalid = session.Run("New-Container busybox -Command true -Device dev/fuse").SingleError();
        var missing = session.Run("New-Container busybox -Command true -Device /dev/ct-no-such-device").SingleError();

        Assert.StartsWith("InvalidDeviceMapping,", invalid.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, invalid.CategoryInfo.Category);
        Assert.Contains("'dev/fuse'", invalid.Exception.Message);
        Assert.StartsWith("DeviceNotFound,", missing.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, missing.CategoryInfo.Category);
        Assert.Empty(session.Run("Get-Container").ThrowOnErrors().Output);
    }
}
