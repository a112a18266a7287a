using ContainerTools.Runtime.Build;
using ContainerTools.Runtime.Errors;
using ContainerTools.Runtime.Linux;

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
        Assert.Empty(_host.Host.Store.List());
        Assert.Empty(OverlayMount.MountsUnder(_host.Host.RootPath));
    }
}
