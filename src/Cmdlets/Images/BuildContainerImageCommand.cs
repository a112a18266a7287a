using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text;
using ContainerTools.Cmdlets.Common;
using ContainerTools.Cmdlets.Registry;
using ContainerTools.Runtime.Build;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Registry;

namespace ContainerTools.Cmdlets.Images;

/// <summary>
/// docker build: builds an image from a Dockerfile and a context directory. Steps, cache hits and RUN output go to the
/// information stream as they happen; the built image is written to the pipeline.
/// </summary>
[Cmdlet("Build", "ContainerImage")] // VerbsLifecycle.Build (PowerShell 6+; PowerShellStandard 5.1 lacks the constant)
[OutputType(typeof(ContainerImage))]
public sealed class BuildContainerImageCommand : RegistryCmdlet
{
    private readonly StringBuilder _piped = new();

    /// <summary>The build context directory.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The Dockerfile; "-" reads it from the pipeline. Default: Dockerfile in the context.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? File { get; set; }

    /// <summary>Dockerfile lines from the pipeline, with -File -.</summary>
    [Parameter(ValueFromPipeline = true)]
    [AllowEmptyString]
    public string? InputObject { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] Tag { get; set; } = [];

    [Parameter]
    public Hashtable? BuildArgument { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Target { get; set; }

    [Parameter]
    public SwitchParameter NoCache { get; set; }

    [Parameter]
    public SwitchParameter Pull { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Network { get; set; } = "none";

    [Parameter]
    public Hashtable? Label { get; set; }

    /// <summary>Secrets for RUN --mount=type=secret: id -> file.</summary>
    [Parameter]
    public Hashtable? Secret { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Platform { get; set; }

    /// <summary>Seconds since 1970 (SOURCE_DATE_EPOCH); default: $env:SOURCE_DATE_EPOCH.</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long? SourceDateEpoch { get; set; }

    protected override void ProcessRecordLocally()
    {
        if (InputObject is not null)
        {
            _piped.Append(InputObject).Append('\n');
        }
    }

    protected override void EndProcessingLocally()
    {
        var context = GetUnresolvedProviderPathFromPSPath(Path);
        var output = new BuildOutputWriter(this);
        // Made here, on the pipeline thread: stages pull on threads of their own, whose reports it queues.
        var pullProgress = NewProgress("Pulling images");
        var image = TryEngine(() =>
        {
            var (dockerfile, dockerfilePath) = ReadDockerfile(context);
            var options = new BuildOptions
            {
                ContextDirectory = context,
                Dockerfile = dockerfile,
                DockerfilePath = dockerfilePath,
                Tags = Tag,
                BuildArguments = ToDictionary(BuildArgument),
                Target = Target,
                NoCache = NoCache,
                Pull = Pull,
                Network = Network,
                Labels = ToDictionary(Label),
                Secrets = ToDictionary(Secret).ToDictionary(s => s.Key, s => GetUnresolvedProviderPathFromPSPath(s.Value)),
                Platform = Platform,
                SourceDateEpoch = Epoch(),
                PullImage = (reference, token) =>
                {
                    using var puller = new ImagePuller(Images, Config, Logins(null, reference.Registry));
                    return puller.Pull(reference, null, pullProgress, token);
                },
            };
            return new ImageBuilder(Containers).Build(options, output, Cancellation);
        }, Path);
        pullProgress.Complete();
        output.Complete();
        foreach (var row in image is null ? [] : ContainerImage.Rows(image))
        {
            WriteObject(row);
        }
    }

    private (string Text, string? Path) ReadDockerfile(string context)
    {
        if (File == "-")
        {
            if (_piped.Length == 0)
            {
                throw new ContainerToolsException(ErrorIds.NoDockerfile, "-File - reads the Dockerfile from the pipeline, but nothing came.", "-");
            }
            return (_piped.ToString(), null);
        }
        var path = File is null ? System.IO.Path.Combine(context, "Dockerfile") : GetUnresolvedProviderPathFromPSPath(File);
        if (!System.IO.File.Exists(path))
        {
            throw new ContainerToolsException(ErrorIds.DockerfileNotFound, $"There is no Dockerfile at '{path}'.", path);
        }
        return (System.IO.File.ReadAllText(path), path);
    }

    private DateTimeOffset? Epoch()
    {
        if (SourceDateEpoch is { } seconds)
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        var variable = Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH");
        return long.TryParse(variable, NumberStyles.None, CultureInfo.InvariantCulture, out var fromEnvironment) ? DateTimeOffset.FromUnixTimeSeconds(fromEnvironment) : null;
    }

    private static Dictionary<string, string> ToDictionary(Hashtable? table)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table ?? new Hashtable())
        {
            result[entry.Key.ToString() ?? ""] = entry.Value?.ToString() ?? "";
        }
        return result;
    }
}
