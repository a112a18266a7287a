using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;

namespace ContainerTools.Tests.Images;

public sealed class ImageReferenceTests
{
    [Theory]
    [InlineData("busybox", "docker.io", "library/busybox", "latest", null, "docker.io/library/busybox:latest", "busybox:latest")]
    [InlineData("busybox:1.36", "docker.io", "library/busybox", "1.36", null, "docker.io/library/busybox:1.36", "busybox:1.36")]
    [InlineData("user/repo", "docker.io", "user/repo", "latest", null, "docker.io/user/repo:latest", "user/repo:latest")]
    [InlineData("index.docker.io/user/repo:v2", "docker.io", "user/repo", "v2", null, "docker.io/user/repo:v2", "user/repo:v2")]
    [InlineData("localhost:5000/a/b:t", "localhost:5000", "a/b", "t", null, "localhost:5000/a/b:t", "localhost:5000/a/b:t")]
    [InlineData("localhost/app", "localhost", "app", "latest", null, "localhost/app:latest", "localhost/app:latest")]
    [InlineData("quay.io/org/app:1.0-rc_1", "quay.io", "org/app", "1.0-rc_1", null, "quay.io/org/app:1.0-rc_1", "quay.io/org/app:1.0-rc_1")]
    public void NormalizesLikeDocker(string text, string registry, string repository, string? tag, string? digest, string full, string familiar)
    {
        var reference = ImageReference.Parse(text);

        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest);
        Assert.Equal(full, reference.ToString());
        Assert.Equal(familiar, reference.FamiliarString);
    }

    [Fact]
    public void KeepsDigestWithoutAddingLatest()
    {
        var digest = "sha256:" + new string('a', 64);

        var reference = ImageReference.Parse("busybox@" + digest);

        Assert.Null(reference.Tag);
        Assert.Equal(digest, reference.Digest);
        Assert.Equal("docker.io/library/busybox@" + digest, reference.ToString());
        Assert.Equal("docker.io/library/busybox:1@" + digest, ImageReference.Parse("busybox:1@" + digest).ToString());
    }

    [Theory]
    [InlineData("Busybox")]
    [InlineData("user/Repo")]
    [InlineData("busybox:-bad")]
    [InlineData("busybox:bad tag")]
    [InlineData("busybox:")]
    [InlineData("busybox@sha256:abc")]
    [InlineData("busybox@md5:" + "0123456789abcdef0123456789abcdef")]
    [InlineData("")]
    [InlineData("a//b")]
    [InlineData("-leading/dash")]
    public void RejectsInvalidReferences(string text)
    {
        var error = Assert.Throws<ContainerToolsException>(() => ImageReference.Parse(text));

        Assert.Equal("InvalidImageReference", error.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.False(ImageReference.TryParse(text, out _));
    }

    [Fact]
    public void RejectsTagLongerThan128Characters()
    {
        Assert.Throws<ContainerToolsException>(() => ImageReference.Parse("busybox:" + new string('a', 129)));
        Assert.Equal(new string('a', 128), ImageReference.Parse("busybox:" + new string('a', 128)).Tag);
    }
}
