using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Storage;
using ContainerTools.Runtime.Volumes;

namespace ContainerTools.Tests.Volumes;

public sealed class MountArgumentTests
{
    [Fact]
    public void VolumeSpellings()
    {
        Assert.Equal(new MountRequest { Kind = MountKind.Bind, Source = "/srv/www", Destination = "/usr/share/html", ReadOnly = true, CreateMissingSource = true },
            MountArguments.ParseVolume("/srv//www/:/usr/share/html/:ro"));
        Assert.Equal(new MountRequest { Kind = MountKind.Volume, Source = "pgdata", Destination = "/var/lib/postgresql" },
            MountArguments.ParseVolume("pgdata:/var/lib/postgresql"));
        Assert.Equal(new MountRequest { Kind = MountKind.Volume, Destination = "/data" }, MountArguments.ParseVolume("/data"));
        Assert.Equal("rshared", MountArguments.ParseVolume("/a:/b:rw,rshared").Propagation);
        Assert.False(MountArguments.ParseVolume("/a:/b:ro,rw").ReadOnly);
    }

    [Fact]
    public void TmpfsAndMountSpellings()
    {
        var tmpfs = MountArguments.ParseTmpfs("/run:size=64m,mode=1777");
        Assert.Equal((MountKind.Tmpfs, "/run", false), (tmpfs.Kind, tmpfs.Destination, tmpfs.ReadOnly));
        Assert.Equal(["size=64m", "mode=1777"], tmpfs.TmpfsOptions);
        Assert.True(MountArguments.ParseTmpfs("/t:ro").ReadOnly);

        Assert.Equal(new MountRequest { Kind = MountKind.Bind, Source = "/etc/app", Destination = "/config", ReadOnly = true },
            MountArguments.ParseMount("type=bind,source=/etc/app,target=/config,readonly"));
        Assert.Equal(new MountRequest { Kind = MountKind.Volume, Source = "v1", Destination = "/v", Propagation = "rslave" },
            MountArguments.ParseMount("type=volume,src=v1,dst=/v,readonly=false,bind-propagation=rslave"));
        var mountTmpfs = MountArguments.ParseMount("type=tmpfs,target=/scratch,tmpfs-size=1m,tmpfs-mode=700");
        Assert.Equal(["size=1m", "mode=700"], mountTmpfs.TmpfsOptions);
    }

    [Theory]
    [InlineData("V", "")]
    [InlineData("V", "./relative:/x")]
    [InlineData("V", "/a:relative")]
    [InlineData("V", "/a:/")]
    [InlineData("V", "/a:/b/../c")]
    [InlineData("V", "/a:/b:rx")]
    [InlineData("V", "/a:/b:ro:extra")]
    [InlineData("V", "bad name:/b")]
    [InlineData("V", "/a::/b")]
    [InlineData("T", "relative")]
    [InlineData("T", "/t:size=lots")]
    [InlineData("T", "/t:suid=1")]
    [InlineData("T", "/t:mode=999")]
    [InlineData("M", "type=bind,target=/x")]
    [InlineData("M", "type=bind,source=rel,target=/x")]
    [InlineData("M", "type=bind,source=/a")]
    [InlineData("M", "type=nfs,source=/a,target=/x")]
    [InlineData("M", "type=tmpfs,source=/a,target=/x")]
    [InlineData("M", "type=bind,source=/a,target=/x,readonly=maybe")]
    [InlineData("M", "type=bind,source=/a,target=/x,colour=blue")]
    [InlineData("M", "type=bind,source=/a,target=/x,bind-propagation=sideways")]
    public void RejectsInvalidSpecs(string flag, string spec)
    {
        var error = Assert.Throws<ContainerToolsException>(() => flag switch
        {
            "V" => MountArguments.ParseVolume(spec),
            "T" => MountArguments.ParseTmpfs(spec),
            _ => MountArguments.ParseMount(spec),
        });
        Assert.Equal((ErrorKind.InvalidArgument, "InvalidMountSpec"), (error.Kind, error.ErrorId));
    }

    [Fact]
    public void ResolvesToOciEntriesCreatingVolumesOnDemand()
    {
        var root = Directory.CreateTempSubdirectory("ct-mounts-");
        try
        {
            var volumes = new VolumeStore(new StoreRoot(root.FullName));
            var hostDir = Path.Combine(root.FullName, "host", "made-by-volume-flag");
            var entries = MountResolver.Resolve(
            [
                MountArguments.ParseVolume("cache:/data/cache"),
                MountArguments.ParseVolume($"{hostDir}:/data:ro"),
                MountArguments.ParseTmpfs("/tmp:size=64m,mode=1777,exec"),
                MountArguments.ParseVolume("/anon"),
            ], volumes, "c1");

            Assert.Equal(["/data", "/tmp", "/anon", "/data/cache"], entries.Select(e => e.Destination));
            Assert.Equal(new MountEntry("/data", "bind", hostDir, ["rbind", "rprivate", "ro"]) with { Options = entries[0].Options }, entries[0]);
            Assert.Equal(["rbind", "rprivate", "ro"], entries[0].Options);
            Assert.True(Directory.Exists(hostDir));
            Assert.Equal(("tmpfs", "tmpfs"), (entries[1].Type, entries[1].Source));
            Assert.Equal(["rw", "nosuid", "nodev", "size=64m", "mode=1777", "exec"], entries[1].Options);
            Assert.Equal(volumes.Get("cache").Mountpoint, entries[3].Source);
            Assert.Equal(["rbind", "rprivate"], entries[3].Options);
            Assert.Equal(["c1"], volumes.Users("cache"));
            var anonymous = volumes.List().Single(v => v.Anonymous);
            Assert.Equal(anonymous.Mountpoint, entries[2].Source);

            Assert.Equal("DuplicateMountPoint", Assert.Throws<ContainerToolsException>(() => MountResolver.Resolve(
                [MountArguments.ParseTmpfs("/x"), MountArguments.ParseVolume("/y:/x/")], volumes, "c2")).ErrorId);
            Assert.Equal("BindSourceNotFound", Assert.Throws<ContainerToolsException>(() => MountResolver.Resolve(
                [MountArguments.ParseMount($"type=bind,source={root.FullName}/missing,target=/m")], volumes, "c2")).ErrorId);
            Assert.Equal("VolumeInUse", Assert.Throws<ContainerToolsException>(() => volumes.Remove("cache")).ErrorId);
        }
        finally
        {
            DirectoryRemover.Remove(root.FullName);
        }
    }
}
