using ContainerTools.Runtime.Build;
using ContainerTools.Runtime.Images;
using ContainerTools.Tests.Lifecycle;

namespace ContainerTools.Tests.Build;

/// <summary>A store with busybox (ContainerHost), a build context directory, and helpers to build and run images.</summary>
public sealed class BuildHost : IDisposable
{
    public BuildHost()
    {
        Host = new ContainerHost();
        Context = Directory.CreateTempSubdirectory("ct-build-ctx-").FullName;
        Builder = new ImageBuilder(Host.Store);
    }

    public ContainerHost Host { get; }
    public string Context { get; }
    public ImageBuilder Builder { get; }
    public RecordingOutput Output { get; private set; } = new();

    public void Write(string relativePath, string content)
    {
        var path = Path.Combine(Context, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    public Image Build(string dockerfile, BuildOptions? options = null)
    {
        Output = new RecordingOutput();
        var effective = (options ?? new BuildOptions { ContextDirectory = Context, Dockerfile = dockerfile }) with { ContextDirectory = Context, Dockerfile = dockerfile };
        return Builder.Build(effective, Output);
    }

    /// <summary>Runs the image's default command (or <paramref name="command"/>) and returns its output.</summary>
    public string Run(Image image, params string[] command)
    {
        var created = Host.Store.Create(new ContainerTools.Runtime.Containers.ContainerCreateOptions
        {
            Image = image.Id,
            Command = command.Length == 0 ? null : command,
            Network = "none",
        });
        Host.Store.Start(created.Id);
        Host.Store.Wait(created.Id);
        var output = Host.Output(created);
        Host.Store.Remove(created.Id, force: true);
        return output;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Context, recursive: true);
        }
        finally
        {
            Host.Dispose();
        }
    }
}

/// <summary>What a build reported, for assertions.</summary>
public sealed class RecordingOutput : IBuildOutput
{
    public List<string> Steps { get; } = [];
    public List<string> CacheHits { get; } = [];
    public List<string> Lines { get; } = [];

    public void Step(int number, int total, string instruction) => Steps.Add($"STEP {number}/{total}: {instruction}");
    public void UsingCache(string imageId) => CacheHits.Add(Steps[^1]);
    public void Output(string line) => Lines.Add(line);
    public void Warning(string message) { }
    public void Progress(string activity, string status) { }
}
