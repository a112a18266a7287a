using ContainerTools.Runtime.Build;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Tests.Build;

public sealed class ImageBuilderTests : IDisposable
{
    private readonly BuildHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Builds_from_busybox_with_env_workdir_copy_and_run_and_the_image_runs()
    {
        _host.Write("hello.txt", "hello from the context\n");
        var image = _host.Build("""
            FROM busybox
            ENV GREETING=hi
            WORKDIR /app
            COPY hello.txt ./
            RUN echo "$GREETING from run" > run.txt && cat hello.txt
            CMD ["cat", "/app/hello.txt", "/app/run.txt"]
            """);
        Assert.Equal(6, _host.Output.Steps.Count);
        Assert.Equal("STEP 5/6: RUN echo \"$GREETING from run\" > run.txt && cat hello.txt", _host.Output.Steps[4]);
        Assert.Contains("hello from the context", _host.Output.Lines);
        Assert.Equal("hello from the context\nhi from run\n", _host.Run(image));
        var config = image.Config.Config!;
        Assert.Equal("/app", config.WorkingDir);
        Assert.Contains("GREETING=hi", config.Env!);
        Assert.Equal(["cat", "/app/hello.txt", "/app/run.txt"], config.Cmd);
        Assert.Equal(image.Layers.Count, image.Config.History!.Count(h => !h.EmptyLayer));
        // The steps' intermediate images are stored but not listed.
        Assert.Equal([image.Id], _host.Host.Images.List().Select(i => i.Id).Where(id => !_host.Host.Images.Resolve("busybox").Id.Equals(id)));
        Assert.Empty(_host.Host.Store.List());
        Assert.Empty(OverlayMount.MountsUnder(_host.Host.RootPath));
    }

    [Fact]
    public void Rebuild_uses_the_cache_and_a_changed_file_reruns_only_the_steps_from_its_copy()
    {
        _host.Write("first.txt", "1\n");
        _host.Write("second.txt", "2\n");
        const string dockerfile = """
            FROM busybox
            RUN echo base > /base.txt
            COPY first.txt /
            RUN cat /first.txt > /first-seen.txt
            COPY second.txt /
            RUN cat /second.txt > /second-seen.txt
            """;
        var first = _host.Build(dockerfile);
        Assert.Empty(_host.Output.CacheHits);

        var again = _host.Build(dockerfile);
        Assert.Equal(5, _host.Output.CacheHits.Count);
        Assert.Equal(first.Layers.Select(l => l.DiffId), again.Layers.Select(l => l.DiffId));

        // Same content, new mtime: still cached.
        File.SetLastWriteTimeUtc(Path.Combine(_host.Context, "first.txt"), DateTime.UtcNow.AddHours(-3));
        _host.Build(dockerfile);
        Assert.Equal(5, _host.Output.CacheHits.Count);

        _host.Write("second.txt", "changed\n");
        var changed = _host.Build(dockerfile);
        Assert.Equal(["STEP 2/6: RUN echo base > /base.txt", "STEP 3/6: COPY first.txt /", "STEP 4/6: RUN cat /first.txt > /first-seen.txt"], _host.Output.CacheHits);
        Assert.Equal("changed\n", _host.Run(changed, "cat", "/second-seen.txt"));

        var uncached = _host.Build(dockerfile, new BuildOptions { ContextDirectory = _host.Context, Dockerfile = dockerfile, NoCache = true });
        Assert.Empty(_host.Output.CacheHits);
        Assert.Equal("base\n", _host.Run(uncached, "cat", "/base.txt"));
    }

    [Fact]
    public void Cache_survives_a_new_builder_on_the_same_store()
    {
        const string dockerfile = "FROM busybox\nRUN echo once > /once.txt\n";
        _host.Build(dockerfile);
        var other = new ImageBuilder(_host.Host.NewStore());
        var output = new RecordingOutput();
        other.Build(new BuildOptions { ContextDirectory = _host.Context, Dockerfile = dockerfile }, output);
        Assert.Single(output.CacheHits);
    }

    [Fact]
    public void Failing_run_names_step_command_exit_code_and_output_and_leaves_nothing_behind()
    {
        var before = _host.Host.Images.List().Count;
        var error = Assert.Throws<ContainerToolsException>(() => _host.Build("""
            FROM busybox
            RUN echo fine > /fine.txt
            RUN echo about to fail; echo on stderr >&2; exit 3
            CMD ["true"]
            """, new BuildOptions { ContextDirectory = _host.Context, Dockerfile = "", Tags = ["never:made"] }));
        Assert.Equal("BuildStepFailed", error.ErrorId);
        Assert.Contains("STEP 3/4", error.Message);
        Assert.Contains("exit 3", error.Message);
        Assert.Contains("exited with code 3", error.Message);
        Assert.Contains("about to fail", error.Message);
        Assert.Contains("on stderr", error.Message);
        Assert.Null(_host.Host.Images.TryResolve("never:made"));
        Assert.Equal(before, _host.Host.Images.List().Count);
        Assert.Empty(_host.Host.Store.List());
        Assert.Empty(OverlayMount.MountsUnder(_host.Host.RootPath));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_host.Host.Root.TempDirectory), e => Path.GetFileName(e).StartsWith("build-"));

        // The step that succeeded is cached.
        _host.Build("FROM busybox\nRUN echo fine > /fine.txt\n");
        Assert.Single(_host.Output.CacheHits);
    }

    [Fact]
    public void Shell_form_cmd_and_entrypoint_use_shell_and_heredocs_run_as_scripts()
    {
        var image = _host.Build("""
            FROM busybox
            RUN <<EOF
            echo one > /heredoc.txt
            echo two >> /heredoc.txt
            EOF
            RUN cat > /fed.txt <<-END
            	fed through the shell
            	END
            RUN <<SCRIPT
            #!/bin/sh -e
            echo "script $0" > /script.txt
            SCRIPT
            COPY <<EOF /etc/copied.conf
            home=$HOME_DIR
            EOF
            SHELL ["/bin/sh", "-e", "-c"]
            CMD echo hi
            """.Replace("$HOME_DIR", "${HOME_DIR:-unset}"));
        Assert.Equal(["/bin/sh", "-e", "-c", "echo hi"], image.Config.Config!.Cmd);
        Assert.Equal("one\ntwo\n", _host.Run(image, "cat", "/heredoc.txt"));
        Assert.Equal("fed through the shell\n", _host.Run(image, "cat", "/fed.txt"));
        Assert.Equal("home=unset\n", _host.Run(image, "cat", "/etc/copied.conf"));
        Assert.Equal("script /dev/pipes/SCRIPT\n", _host.Run(image, "cat", "/script.txt"));
        Assert.DoesNotContain(FileTree.Of(_host.Host.Images, image).Keys, k => k.StartsWith("dev/pipes"));
    }

    [Fact]
    public void From_scratch_with_copy_makes_a_one_layer_image()
    {
        _host.Write("payload/data.txt", "data\n");
        var image = _host.Build("FROM scratch\nCOPY payload /\nENV K=v\n");
        Assert.Single(image.Layers);
        var tree = FileTree.Of(_host.Host.Images, image);
        Assert.Equal(["data.txt"], tree.Keys);
        Assert.Equal(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "K=v"], image.Config.Config!.Env);
    }

    [Fact]
    public void Target_builds_only_the_stages_it_needs()
    {
        var image = _host.Build("""
            FROM busybox AS unused
            RUN exit 1
            FROM busybox AS base
            RUN echo base > /base.txt
            FROM base AS final
            RUN cat /base.txt > /copy.txt
            FROM busybox AS other
            COPY --from=final /copy.txt /
            """, new BuildOptions { ContextDirectory = _host.Context, Dockerfile = "", Target = "final" });
        Assert.Equal(4, _host.Output.Steps.Count);
        Assert.Equal("base\n", _host.Run(image, "cat", "/copy.txt"));
        var error = Assert.Throws<ContainerToolsException>(() =>
            _host.Build("FROM busybox\n", new BuildOptions { ContextDirectory = _host.Context, Dockerfile = "", Target = "nope" }));
        Assert.Equal("StageNotFound", error.ErrorId);
    }

    [Theory]
    [InlineData("COPY ../outside /x", "SourceOutsideContext")]
    [InlineData("COPY escape /x", "SourceOutsideContext")]
    [InlineData("COPY missing.txt /x", "SourceNotFound")]
    [InlineData("COPY *.none /x", "SourceNotFound")]
    [InlineData("COPY --from=later /a /b", "StageNotFound")]
    [InlineData("COPY --from=nosuchimage:1 /a /b", "ImageNotFound")]
    [InlineData("RUN --mount=type=ssh true", "BadMount")]
    [InlineData("RUN --mount=type=secret,id=x,required true", "SecretNotFound")]
    [InlineData("RUN --mount=type=bind,source=escape,target=/x true", "SourceOutsideContext")]
    [InlineData("STOPSIGNAL SIGNOPE", "BadSignal")]
    [InlineData("COPY --chown=nosuchuser a.txt /", "UserNotFound")]
    [InlineData("USER nosuchuser\nRUN true", "UserNotFound")]
    public void Bad_input_is_a_specific_error(string instruction, string errorId)
    {
        _host.Write("a.txt", "a");
        File.CreateSymbolicLink(Path.Combine(_host.Context, "escape"), "/etc/passwd");
        var dockerfile = $"FROM busybox AS main\n{instruction}\nFROM busybox AS later\n";
        var error = Assert.Throws<ContainerToolsException>(() => _host.Build(dockerfile, new BuildOptions { ContextDirectory = _host.Context, Dockerfile = dockerfile, Target = "main" }));
        Assert.Equal(errorId, error.ErrorId);
        Assert.Matches(@"^(Dockerfile:\d+: |STEP \d+/\d+: )", error.Message);
        Assert.Empty(_host.Host.Store.List());
        Assert.Empty(OverlayMount.MountsUnder(_host.Host.RootPath));
    }

    [Fact]
    public void Source_date_epoch_makes_the_build_reproducible()
    {
        _host.Write("f.txt", "f\n");
        const string dockerfile = "FROM busybox\nCOPY f.txt /\nRUN echo x > /x && mkdir -p /d && touch /d/e\nCMD [\"sh\"]\n";
        var options = new BuildOptions { ContextDirectory = _host.Context, Dockerfile = dockerfile, NoCache = true, SourceDateEpoch = DateTimeOffset.FromUnixTimeSeconds(1700000000) };
        var first = _host.Build(dockerfile, options);
        File.SetLastWriteTimeUtc(Path.Combine(_host.Context, "f.txt"), DateTime.UtcNow);
        var second = _host.Build(dockerfile, options);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), first.Created);
    }

    [Fact]
    public void Onbuild_triggers_run_in_the_child_build_and_are_not_inherited()
    {
        var parent = _host.Build("FROM busybox\nONBUILD RUN echo triggered > /triggered.txt\n",
            new BuildOptions { ContextDirectory = _host.Context, Dockerfile = "", Tags = ["parent:1"] });
        Assert.Equal(["RUN echo triggered > /triggered.txt"], parent.Config.Config!.OnBuild);
        var child = _host.Build("FROM parent:1\nCMD [\"cat\", \"/triggered.txt\"]\n");
        Assert.Equal("triggered\n", _host.Run(child));
        Assert.Null(child.Config.Config!.OnBuild);
    }

    [Fact]
    public void Build_args_user_expose_volume_healthcheck_and_labels_land_in_the_config()
    {
        var image = _host.Build("""
            ARG TAG=latest
            FROM busybox:${TAG}
            ARG TARGETARCH
            ARG WHO=nobody
            RUN echo "$TARGETARCH" > /arch.txt
            USER $WHO
            RUN id -u > /tmp/uid.txt
            EXPOSE 8000-8001/udp
            VOLUME ["/data"]
            HEALTHCHECK --interval=1m30s --start-period=2s CMD ["true"]
            LABEL from.dockerfile=yes
            MAINTAINER someone@example.com
            """, new BuildOptions
        {
            ContextDirectory = _host.Context,
            Dockerfile = "",
            BuildArguments = new Dictionary<string, string> { ["WHO"] = "65534" },
            Labels = new Dictionary<string, string> { ["from.cli"] = "yes" },
        });
        var config = image.Config.Config!;
        Assert.Equal("65534", config.User);
        Assert.Equal(["8000/udp", "8001/udp"], config.ExposedPorts!.Keys.Order());
        Assert.Equal(["/data"], config.Volumes!.Keys);
        Assert.Equal(["CMD", "true"], config.Healthcheck!.Test);
        Assert.Equal(90_000_000_000, config.Healthcheck.Interval);
        Assert.Equal(2_000_000_000, config.Healthcheck.StartPeriod);
        Assert.Equal("yes", config.Labels!["from.dockerfile"]);
        Assert.Equal("yes", config.Labels["from.cli"]);
        Assert.Equal("someone@example.com", image.Config.Author);
        Assert.DoesNotContain(config.Env!, e => e.StartsWith("WHO=") || e.StartsWith("TARGETARCH="));
        Assert.Equal("amd64\n", _host.Run(image, "cat", "/arch.txt"));
        Assert.Equal("65534\n", _host.Run(image, "cat", "/tmp/uid.txt"));
    }

    [Fact]
    public void Run_mounts_tmpfs_cache_bind_and_secret_leave_nothing_in_the_layer()
    {
        _host.Write("bound/input.txt", "input\n");
        var secret = Path.Combine(_host.Host.RootPath, "token.secret");
        File.WriteAllText(secret, "s3cret\n");
        const string dockerfile = """
            FROM busybox AS tools
            RUN echo from-stage > /tool.txt
            FROM busybox
            RUN --mount=type=tmpfs,target=/scratch echo gone > /scratch/f && ls /scratch
            RUN --mount=type=cache,target=/cache echo kept >> /cache/log && cat /cache/log > /cache-seen.txt
            RUN --mount=type=bind,source=bound,target=/in cat /in/input.txt > /bound.txt
            RUN --mount=type=bind,source=bound,target=/rw,rw echo scribble > /rw/input.txt && echo new > /rw/new.txt && cat /rw/input.txt > /rw-seen.txt
            RUN --mount=type=bind,source=bound/input.txt,target=/rw-file,rw echo scribble > /rw-file && cat /rw-file >> /rw-seen.txt
            RUN --mount=type=bind,from=tools,source=tool.txt,target=/mnt/tool.txt cat /mnt/tool.txt > /from-stage.txt
            RUN --mount=type=secret,id=token wc -c < /run/secrets/token > /secret-length.txt
            """;
        var options = new BuildOptions { ContextDirectory = _host.Context, Dockerfile = dockerfile, Secrets = new Dictionary<string, string> { ["token"] = secret } };
        var image = _host.Build(dockerfile, options);
        var tree = FileTree.Of(_host.Host.Images, image);
        Assert.DoesNotContain(tree.Keys, k => k.StartsWith("scratch") || k.StartsWith("cache/") || k == "cache" || k.StartsWith("in") || k.StartsWith("mnt") || k.StartsWith("run"));
        Assert.Equal("input\n", _host.Run(image, "cat", "/bound.txt"));
        // Writable binds took the writes and threw them away: the context is as it was, the layer has no mount point.
        Assert.Equal("scribble\nscribble\n", _host.Run(image, "cat", "/rw-seen.txt"));
        Assert.Equal("input\n", File.ReadAllText(Path.Combine(_host.Context, "bound/input.txt")));
        Assert.False(File.Exists(Path.Combine(_host.Context, "bound/new.txt")));
        Assert.DoesNotContain(tree.Keys, k => k.StartsWith("rw-file") || k == "rw" || k.StartsWith("rw/"));
        Assert.Equal("from-stage\n", _host.Run(image, "cat", "/from-stage.txt"));
        Assert.Equal("7\n", _host.Run(image, "cat", "/secret-length.txt"));

        var again = _host.Build(dockerfile, options with { NoCache = true });
        Assert.Equal("kept\nkept\n", _host.Run(again, "cat", "/cache-seen.txt"));

        // A changed bound file reruns the RUN that reads it.
        _host.Write("bound/input.txt", "changed\n");
        var changed = _host.Build(dockerfile, options);
        Assert.Equal("changed\n", _host.Run(changed, "cat", "/bound.txt"));
        foreach (var volume in _host.Host.Store.Volumes.List())
        {
            _host.Host.Store.Volumes.Remove(volume.Name);
        }
    }

    [Fact]
    public void Copy_from_an_index_or_an_image_and_link_and_add_of_a_url_with_checksum()
    {
        using var server = new System.Net.HttpListener();
        var port = System.Net.Sockets.TcpListener.Create(0) is var probe ? StartAndStop(probe) : 0;
        server.Prefixes.Add($"http://127.0.0.1:{port}/");
        server.Start();
        var body = "downloaded\n"u8.ToArray();
        var serving = Task.Run(() =>
        {
            for (var i = 0; i < 2; i++)
            {
                var context = server.GetContext();
                context.Response.ContentLength64 = body.Length;
                context.Response.OutputStream.Write(body);
                context.Response.Close();
            }
        });
        var checksum = "sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body)).ToLowerInvariant();
        var image = _host.Build($$"""
            FROM busybox
            RUN echo staged > /staged.txt
            FROM scratch
            COPY --from=0 /staged.txt /from-index.txt
            COPY --link --from=busybox /bin/busybox /bin/busybox
            ADD --checksum={{checksum}} http://127.0.0.1:{{port}}/files/fetched.txt /fetched/
            """);
        var tree = FileTree.Of(_host.Host.Images, image);
        Assert.StartsWith("file 644 0:0", tree["from-index.txt"]);
        Assert.StartsWith("file 600 0:0", tree["fetched/fetched.txt"]);
        Assert.StartsWith("file 755 0:0", tree["bin/busybox"]);

        var error = Assert.Throws<ContainerToolsException>(() => _host.Build($"FROM busybox\nADD --checksum=sha256:{new string('0', 64)} http://127.0.0.1:{port}/x /x\n"));
        Assert.Equal("ChecksumMismatch", error.ErrorId);
        serving.Wait();
    }

    private static int StartAndStop(System.Net.Sockets.TcpListener listener)
    {
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public void Cancelling_a_build_mid_run_removes_its_container_and_mounts_and_makes_no_tag()
    {
        using var cancel = new CancellationTokenSource();
        var output = new CancellingOutput(cancel, "started");
        const string dockerfile = "FROM busybox\nRUN echo started; sleep 60\n";
        Assert.ThrowsAny<OperationCanceledException>(() => _host.Builder.Build(
            new BuildOptions { ContextDirectory = _host.Context, Dockerfile = dockerfile, Tags = ["cancelled:1"] }, output, cancel.Token));
        Assert.Null(_host.Host.Images.TryResolve("cancelled:1"));
        Assert.Empty(_host.Host.Store.List());
        Assert.Empty(OverlayMount.MountsUnder(_host.Host.RootPath));
    }

    private sealed class CancellingOutput(CancellationTokenSource cancel, string trigger) : IBuildOutput
    {
        public void Step(int number, int total, string instruction) { }
        public void UsingCache(string imageId) { }
        public void Output(string line)
        {
            if (line == trigger)
            {
                cancel.Cancel();
            }
        }
        public void Warning(string message) { }
        public void Progress(string activity, string status) { }
    }

    [Fact]
    public void Copy_rules_for_directories_trailing_slashes_and_chmod()
    {
        _host.Write("dir/one.txt", "1");
        _host.Write("dir/nested/two.txt", "2");
        _host.Write("file.txt", "f");
        var image = _host.Build("""
            FROM busybox
            COPY dir /into-new
            COPY dir/ /with-slash/
            COPY file.txt /as-name
            COPY file.txt /tmp
            COPY --chmod=700 dir /private
            COPY --chown=12:34 file.txt /owned/
            """);
        var tree = FileTree.Of(_host.Host.Images, image);
        Assert.Contains("into-new/one.txt", tree.Keys);
        Assert.Contains("into-new/nested/two.txt", tree.Keys);
        Assert.Contains("with-slash/nested/two.txt", tree.Keys);
        Assert.StartsWith("file 644 0:0", tree["as-name"]);
        Assert.Contains("tmp/file.txt", tree.Keys);
        Assert.StartsWith("dir 1777", tree["tmp"]);
        Assert.StartsWith("file 700", tree["private/one.txt"]);
        Assert.StartsWith("dir 700", tree["private/nested"]);
        Assert.StartsWith("file 644 12:34", tree["owned/file.txt"]);
        Assert.StartsWith("dir 755 12:34", tree["owned"]);
    }

    [Fact]
    public void Copy_parents_keeps_the_sources_paths_below_the_destination_after_a_pivot()
    {
        _host.Write("a/b/file1.txt", "1\n");
        _host.Write("a/c/file2.txt", "2\n");
        _host.Write("src/pkg/x.txt", "x\n");
        _host.Write("dir/sub/y.txt", "y\n");
        var image = _host.Build("""
            FROM scratch
            COPY --parents a/*/file*.txt /out/
            COPY --parents ./src/./pkg/x.txt /pivot/
            COPY --parents dir /d
            COPY a/b/file1.txt /flat/
            """);
        var files = FileTree.Of(_host.Host.Images, image).Keys.Where(k => k.EndsWith(".txt")).Order(StringComparer.Ordinal);
        Assert.Equal(["d/dir/sub/y.txt", "flat/file1.txt", "out/a/b/file1.txt", "out/a/c/file2.txt", "pivot/pkg/x.txt"], files);
    }

    [Fact]
    public void Independent_stages_build_at_the_same_time()
    {
        // Each stage marks itself on a shared cache mount, then waits for the other's mark: sequential stages would fail.
        var image = _host.Build("""
            FROM busybox AS a
            RUN --mount=type=cache,id=rendezvous,target=/meet touch /meet/a && for i in $(seq 200); do [ -e /meet/b ] && exit 0; sleep 0.1; done; exit 1
            RUN echo a > /a.txt
            FROM busybox AS b
            RUN --mount=type=cache,id=rendezvous,target=/meet touch /meet/b && for i in $(seq 200); do [ -e /meet/a ] && exit 0; sleep 0.1; done; exit 1
            RUN echo b > /b.txt
            FROM busybox
            COPY --from=a /a.txt /
            COPY --from=b /b.txt /
            """);
        Assert.Equal("a\nb\n", _host.Run(image, "cat", "/a.txt", "/b.txt"));
        Assert.Equal(["STEP 1/9: FROM busybox AS a", "STEP 4/9: FROM busybox AS b", "STEP 7/9: FROM busybox"],
            _host.Output.Steps.Where(s => s.Contains("FROM")).Order(StringComparer.Ordinal));
        foreach (var volume in _host.Host.Store.Volumes.List())
        {
            _host.Host.Store.Volumes.Remove(volume.Name);
        }
    }
}
