using System.Collections;
using System.Globalization;
using System.Management.Automation;
using ContainerTools.Runtime.Cgroups;
using ContainerTools.Runtime.Containers;

namespace ContainerTools.Cmdlets.Common;

/// <summary>
/// The parameters New-Container and Invoke-ContainerImage share (docker create / docker run), and how they become
/// the engine's <see cref="ContainerCreateOptions"/>. Anything left out falls back to the image's config.
/// </summary>
public abstract class ContainerCreateCmdlet : ContainerToolsCmdlet
{
    /// <summary>An image name or id; a piped ContainerImage binds its Reference.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias(ImageParameter.ReferenceAlias)]
    [ArgumentCompleter(typeof(ImageNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Image { get; set; } = "";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter(Position = 1)]
    [Alias("Cmd")]
    public string[]? Command { get; set; }

    [Parameter]
    public string[]? Entrypoint { get; set; }

    [Parameter]
    [Alias("Env")]
    public Hashtable? Environment { get; set; }

    [Parameter]
    [Alias("WorkDir")]
    public string? WorkingDirectory { get; set; }

    /// <summary>uid[:gid] or a user name from the image's /etc/passwd.</summary>
    [Parameter]
    public string? User { get; set; }

    [Parameter]
    public string? Hostname { get; set; }

    [Parameter]
    public Hashtable? Label { get; set; }

    /// <summary>Bytes; PowerShell's 256MB works.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long Memory { get; set; }

    [Parameter]
    [ValidateRange(0.01, 1024.0)]
    public double Cpus { get; set; }

    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long PidsLimit { get; set; }

    [Parameter]
    public SwitchParameter ReadOnlyRootFilesystem { get; set; }

    [Parameter]
    public SwitchParameter Interactive { get; set; }

    [Parameter]
    public SwitchParameter Tty { get; set; }

    protected ContainerCreateOptions CreateOptions(bool autoRemove = false) => new()
    {
        Image = Image,
        Name = Name,
        Command = Command,
        Entrypoint = Entrypoint,
        Env = Environment?.Cast<DictionaryEntry>().Select(e => $"{e.Key}={Text(e.Value)}").ToList(),
        WorkingDir = WorkingDirectory,
        User = User,
        Hostname = Hostname,
        Labels = Label?.Cast<DictionaryEntry>().ToDictionary(e => Text(e.Key), e => Text(e.Value), StringComparer.Ordinal),
        Limits = new CgroupLimits
        {
            MemoryBytes = MyInvocation.BoundParameters.ContainsKey(nameof(Memory)) ? Memory : null,
            Cpus = MyInvocation.BoundParameters.ContainsKey(nameof(Cpus)) ? Cpus : null,
            Pids = MyInvocation.BoundParameters.ContainsKey(nameof(PidsLimit)) ? PidsLimit : null,
        },
        ReadOnlyRootFs = ReadOnlyRootFilesystem.IsPresent,
        Interactive = Interactive.IsPresent,
        Tty = Tty.IsPresent,
        AutoRemove = autoRemove,
    };

    private static string Text(object? value) => value switch
    {
        null => "",
        PSObject ps => Text(ps.BaseObject),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
