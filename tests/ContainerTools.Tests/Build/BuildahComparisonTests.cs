using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using ContainerTools.Runtime.Build;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Oci;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Build;

/// <summary>
/// The same Dockerfile and context built by ImageBuilder and by `buildah bud --layers` (Debian's buildah 1.28): the
/// resulting file trees (paths, types, modes, owners, symlink targets, content) and configs must agree. CMD comes
/// before SHELL because buildah 1.28 ignores SHELL for a shell-form CMD (Docker does not; ImageBuilderTests covers that).
/// </summary>
public sealed class BuildahComparisonTests : IDisposable
{
    private const string Dockerfile = """
        # escape=\
        ARG BASE=busybox
        FROM ${BASE} AS builder
        ARG GREETING=hello
        RUN mkdir -p /out/sub && echo "$GREETING" > /out/greeting && ln -s greeting /out/link \
            && ln /out/greeting /out/hard && chmod 0640 /out/greeting
        FROM ${BASE}
        ARG VERSION
        ENV APP_HOME=/srv/app VERSION=${VERSION:-dev} \
            MODE=${VERSION:+release}
        ENV LEGACY value with spaces
        LABEL org.example.name="demo app" org.example.version=$VERSION
        WORKDIR $APP_HOME
        COPY files/ ./files/
        COPY *.txt notes/
        COPY --chown=nobody:nogroup --chmod=0600 secret.conf /etc/app/secret.conf
        COPY --chown=65534 single.txt /single-owned.txt
        COPY single.txt /renamed
        ADD archive.tar.gz /opt/
        COPY --from=builder /out/ /from-builder/
        RUN rm /etc/group && rm -rf /tmp && mkdir /tmp && touch /tmp/new && echo run > run.txt
        RUN ["/bin/sh", "-c", "echo exec > exec.txt"]
        CMD echo $APP_HOME
        SHELL ["/bin/sh", "-e", "-c"]
        RUN echo "shell" > shell.txt
        USER nobody
        EXPOSE 8080 53/udp
        VOLUME /data
        STOPSIGNAL SIGINT
        HEALTHCHECK --interval=30s --timeout=5s --retries=2 CMD wget -q -O- localhost:8080 || exit 1
        ONBUILD RUN echo child
        ENTRYPOINT ["/bin/sh", "-c"]
        """;

    private readonly BuildHost _host = new();
    private readonly Buildah _buildah = new();

    public void Dispose()
    {
        _buildah.Dispose();
        _host.Dispose();
    }

    private void WriteContext()
    {
        _host.Write("Dockerfile", Dockerfile);
        _host.Write(".dockerignore", "*.md\nfiles/ignored*\n!files/ignored-but-kept.txt\n");
        _host.Write("files/a.txt", "a\n");
        _host.Write("files/sub/b.txt", "b\n");
        _host.Write("files/ignored.log", "ignored\n");
        _host.Write("files/ignored-but-kept.txt", "kept\n");
        _host.Write("files/exec.sh", "#!/bin/sh\necho exec\n");
        File.SetUnixFileMode(Path.Combine(_host.Context, "files/exec.sh"), (UnixFileMode)0b111_101_101);
        File.CreateSymbolicLink(Path.Combine(_host.Context, "files/link"), "a.txt");
        _host.Write("one.txt", "one\n");
        _host.Write("two.txt", "two\n");
        _host.Write("readme.md", "not copied\n");
        _host.Write("secret.conf", "secret\n");
        _host.Write("single.txt", "single\n");
        using var file = File.Create(Path.Combine(_host.Context, "archive.tar.gz"));
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "pkg/") { Mode = (UnixFileMode)0b111_101_101, Uid = 0, Gid = 0 });
        var entry = new PaxTarEntry(TarEntryType.RegularFile, "pkg/tool") { Mode = (UnixFileMode)0b111_101_000, Uid = 12, Gid = 34 };
        entry.DataStream = new MemoryStream("tool\n"u8.ToArray());
        tar.WriteEntry(entry);
    }

    [Fact]
    public void Same_tree_and_config_as_buildah_bud()
    {
        WriteContext();
        var arguments = new Dictionary<string, string> { ["VERSION"] = "1.2" };
        var ours = _host.Builder.Build(new BuildOptions
        {
            ContextDirectory = _host.Context,
            Dockerfile = Dockerfile,
            DockerfilePath = Path.Combine(_host.Context, "Dockerfile"),
            BuildArguments = arguments,
            Tags = ["ours:latest"],
        });

        var busybox = Path.Combine(_host.Host.RootPath, "busybox-for-buildah.tar");
        TestImages.BuildDockerArchive(busybox, "busybox:latest");
        _buildah.Load(busybox);
        var archive = _buildah.Build(_host.Context, "compare:latest", "--build-arg", "VERSION=1.2");
        var theirs = _host.Host.Images.Import(archive, null).Single();

        var ourTree = FileTree.Of(_host.Host.Images, ours);
        var theirTree = FileTree.Of(_host.Host.Images, theirs);
        // buildah leaves the runtime's mount points in its RUN layers; BuildKit and we do not.
        foreach (var stub in new[] { "run", "etc/hostname", "etc/hosts", "etc/resolv.conf" })
        {
            if (!ourTree.ContainsKey(stub))
            {
                theirTree.Remove(stub);
            }
        }
        AssertSameTree(ourTree, theirTree);
        Assert.Contains("srv/app/files/ignored-but-kept.txt", ourTree.Keys);
        Assert.DoesNotContain("srv/app/files/ignored.log", ourTree.Keys);

        AssertSameConfig(ours.Config.Config!, theirs.Config.Config!);
    }

    private static void AssertSameTree(SortedDictionary<string, string> ours, SortedDictionary<string, string> theirs)
    {
        var differences = ours.Keys.Union(theirs.Keys)
            .Where(k => ours.GetValueOrDefault(k) != theirs.GetValueOrDefault(k))
            .Select(k => $"{k}: ours [{ours.GetValueOrDefault(k)}] buildah [{theirs.GetValueOrDefault(k)}]")
            .ToList();
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    private static void AssertSameConfig(ContainerConfig ours, ContainerConfig theirs)
    {
        static IReadOnlyList<string>? Normal(IReadOnlyList<string>? list) => list is { Count: > 0 } ? list : null;
        static string Keys<T>(IReadOnlyDictionary<string, T>? map) => string.Join(",", (map ?? new Dictionary<string, T>()).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(theirs.Env, ours.Env);
        Assert.Equal(Normal(theirs.Cmd), Normal(ours.Cmd));
        Assert.Equal(Normal(theirs.Entrypoint), Normal(ours.Entrypoint));
        Assert.Equal(theirs.WorkingDir, ours.WorkingDir);
        Assert.Equal(theirs.User ?? "", ours.User ?? "");
        Assert.Equal(Keys(theirs.ExposedPorts), Keys(ours.ExposedPorts));
        Assert.Equal(Keys(theirs.Volumes), Keys(ours.Volumes));
        var theirLabels = (theirs.Labels ?? new Dictionary<string, string>()).Where(l => l.Key != "io.buildah.version").OrderBy(l => l.Key);
        Assert.Equal(theirLabels, (ours.Labels ?? new Dictionary<string, string>()).OrderBy(l => l.Key));
        Assert.Equal(theirs.StopSignal ?? "", ours.StopSignal ?? "");
        Assert.Equal(JsonSerializer.Serialize(theirs.Healthcheck), JsonSerializer.Serialize(ours.Healthcheck));
        Assert.Equal(Normal(theirs.OnBuild), Normal(ours.OnBuild));
        Assert.Equal(Normal(theirs.Shell), Normal(ours.Shell));
    }

    [Fact]
    public void Same_tree_and_config_as_buildah_bud_from_scratch()
    {
        WriteContext();
        const string dockerfile = """
            FROM scratch
            COPY files/ /
            ADD archive.tar.gz /
            COPY --chmod=640 secret.conf /etc/
            ENV A=b
            WORKDIR /work
            COPY single.txt one.txt ./
            ENTRYPOINT ["/tool"]
            """;
        _host.Write("Dockerfile", dockerfile);
        var ours = _host.Builder.Build(new BuildOptions { ContextDirectory = _host.Context, Dockerfile = dockerfile, DockerfilePath = Path.Combine(_host.Context, "Dockerfile") });
        var theirs = _host.Host.Images.Import(_buildah.Build(_host.Context, "scratch-compare:latest"), null).Single();
        var ourTree = FileTree.Of(_host.Host.Images, ours);
        var theirTree = FileTree.Of(_host.Host.Images, theirs);
        AssertSameTree(ourTree, theirTree);
        AssertSameConfig(ours.Config.Config!, theirs.Config.Config!);
    }

    [Fact]
    public void Same_tree_and_config_as_buildah_bud_for_owners_plain_tar_stage_index_and_bind_mounts()
    {
        WriteContext();
        using (var plain = File.Create(Path.Combine(_host.Context, "plain.tar")))
        using (var tar = new TarWriter(plain, TarEntryFormat.Pax))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "plain/data") { Mode = (UnixFileMode)0b110_100_000, Uid = 7, Gid = 8 };
            entry.DataStream = new MemoryStream("data\n"u8.ToArray());
            tar.WriteEntry(entry);
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "plain/to-data") { LinkName = "data", Uid = 0, Gid = 0 });
        }
        const string dockerfile = """
            FROM busybox
            RUN echo zero > /zero
            FROM busybox
            ARG DEST=/dest
            ENV TARGET=$DEST/sub
            COPY --chown=nobody files/ $TARGET/
            COPY --chown=1234:5678 one.txt two.txt $DEST/pair/
            ADD plain.tar /opt/
            COPY --from=0 /zero /from-index
            RUN --mount=type=bind,source=files,target=/mnt/files cat /mnt/files/a.txt > /bound-a.txt
            USER 1234:5678
            WORKDIR /home/user
            LABEL stage=final
            """;
        _host.Write("Dockerfile", dockerfile);
        var ours = _host.Builder.Build(new BuildOptions { ContextDirectory = _host.Context, Dockerfile = dockerfile, DockerfilePath = Path.Combine(_host.Context, "Dockerfile") });
        var busybox = Path.Combine(_host.Host.RootPath, "busybox-for-buildah.tar");
        TestImages.BuildDockerArchive(busybox, "busybox:latest");
        _buildah.Load(busybox);
        var theirs = _host.Host.Images.Import(_buildah.Build(_host.Context, "owners-compare:latest"), null).Single();
        var ourTree = FileTree.Of(_host.Host.Images, ours);
        var theirTree = FileTree.Of(_host.Host.Images, theirs);
        foreach (var stub in new[] { "run", "etc/hostname", "etc/hosts", "etc/resolv.conf", "mnt", "mnt/files" })
        {
            if (!ourTree.ContainsKey(stub))
            {
                theirTree.Remove(stub);
            }
        }
        // A last WORKDIR: Docker (BuildKit) creates the directory, buildah 1.28 only when a later step needs it.
        Assert.Equal("dir 755 0:0", ourTree["home/user"]);
        ourTree.Remove("home/user");
        ourTree.Remove("home");
        AssertSameTree(ourTree, theirTree);
        Assert.Contains("opt/plain/to-data", ourTree.Keys);
        AssertSameConfig(ours.Config.Config!, theirs.Config.Config!);
    }
}
