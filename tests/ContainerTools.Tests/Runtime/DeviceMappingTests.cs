using ContainerTools.Runtime.Containers.Devices;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Tests.Runtime;

/// <summary>-Device as docker --device reads it.</summary>
public sealed class DeviceMappingTests
{
    [Theory]
    [InlineData("/dev/fuse", "/dev/fuse", "/dev/fuse", "rwm")]
    [InlineData("/dev/fuse:/dev/myfuse", "/dev/fuse", "/dev/myfuse", "rwm")]
    [InlineData("/dev/fuse:rw", "/dev/fuse", "/dev/fuse", "rw")]
    [InlineData("/dev/fuse:/dev/sub/../fuse2:mr", "/dev/fuse", "/dev/fuse2", "mr")]
    [InlineData("/dev/disk/by-id/x:/dev/xvda:r", "/dev/disk/by-id/x", "/dev/xvda", "r")]
    public void ReadsDockersForms(string text, string host, string container, string permissions)
    {
        var mapping = DeviceMapping.Parse(text);

        Assert.Equal((host, container, permissions), (mapping.PathOnHost, mapping.PathInContainer, mapping.CgroupPermissions));
    }

    [Theory]
    [InlineData("")]
    [InlineData(":/dev/fuse")]
    [InlineData("/dev/fuse:rr")]          // a mode names each permission once: a second field like this is a path, not absolute
    [InlineData("/dev/fuse:/dev/fuse:")]
    [InlineData("/dev/fuse:/dev/../etc/x")]
    [InlineData("/dev/fuse:/dev")]
    public void RefusesWhatDockerRefusesOrCtinitCannotMake(string text)
    {
        var ex = Assert.Throws<ContainerToolsException>(() => DeviceMapping.Parse(text));

        Assert.Equal("InvalidDeviceMapping", ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
    }
}
