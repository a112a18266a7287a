using System.Management.Automation;
using ContainerTools.OciRuntime.Launch;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Containers.Attach;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Images;
using ContainerTools.Runtime.Storage;

namespace ContainerTools.Cmdlets.Common;

/// <summary>
/// The base of every ContainerTools cmdlet: finds the store, turns engine failures into ErrorRecords and
/// engine progress into Write-Progress. Cmdlets stay thin: bind parameters, call the engine, write objects. -Session runs
/// them on other hosts (ContainerToolsCmdlet.Sessions.cs): cmdlets implement the *Locally methods.
/// </summary>
public abstract partial class ContainerToolsCmdlet : PSCmdlet
{
    private StoreRoot? root;
    private ImageStore? images;
    private ContainerStore? containers;

    /// <summary>Read from CONTAINERTOOLS_ROOT once per cmdlet invocation, so a changed variable takes effect at the next call.</summary>
    protected StoreRoot Root => root ??= StoreRoot.FromEnvironment();

    protected ImageStore Images => images ??= new ImageStore(Root);

    /// <summary>The store's containers; ctmon and ctinit are found through their variables, else next to the module.</summary>
    protected ContainerStore Containers => containers ??= new ContainerStore(Root, Images, new ContainerStoreOptions
    {
        MonitorPath = ShippedHelper(HelperBinary.Monitor),
        InitPath = ShippedHelper(HelperBinary.Init),
        CleanupPath = ShippedHelper(HelperBinary.Cleanup),
    });

    // build.sh puts ctmon, ctinit and ctcleanup beside ContainerTools.dll. The engine looks beside its own assembly, which a host
    // that carries its own copy of ContainerTools.Runtime.dll (the xunit tests) loads from elsewhere.
    private static string? ShippedHelper(HelperBinary helper)
    {
        if (!string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable(helper.EnvironmentVariable)))
        {
            return null;
        }
        var directory = Path.GetDirectoryName(typeof(ContainerToolsCmdlet).Assembly.Location);
        var path = string.IsNullOrEmpty(directory) ? null : Path.Combine(directory, helper.FileName);
        return path is not null && File.Exists(path) ? path : null;
    }

    /// <summary>Cancelled when the user presses Ctrl+C or a downstream command stops the pipeline.</summary>
    protected CancellationToken Cancellation => stopping.Token;

    private readonly CancellationTokenSource stopping = new();

    protected override void StopProcessing() => stopping.Cancel();


    /// <summary>
    /// The image a user named. Unknown names are ImageNotFound (ObjectNotFound); text that cannot be a name at all is
    /// the engine's InvalidImageReference (InvalidArgument), so a typo is not reported as a missing image.
    /// </summary>
    protected Image ResolveImage(string nameOrId)
    {
        var image = Images.TryResolve(nameOrId);
        if (image is not null)
        {
            return image;
        }
        if (!nameOrId.StartsWith(Runtime.Oci.Digest.Sha256Prefix, StringComparison.Ordinal))
        {
            ImageReference.Parse(nameOrId);
        }
        return Images.Resolve(nameOrId);
    }

    /// <summary>Runs one engine call; a failure becomes a non-terminating error about <paramref name="target"/>.</summary>
    protected bool TryEngine(Action action, object? target)
    {
        try
        {
            action();
            return true;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception ex) when (IsReportable(ex))
        {
            lastFailure = ex;
            WriteError(ErrorRecords.From(ex, target));
            return false;
        }
    }

    private Exception? lastFailure;

    /// <summary>
    /// The exit code `docker run` / `docker exec` would give the last failed engine call (the engine's mapping: 125,
    /// 126 when the program cannot be invoked, 127 when it is not found).
    /// </summary>
    protected int LastFailureExitCode => (lastFailure as ContainerToolsException)?.ExitCode ?? ExitCodes.EngineError;

    /// <summary>As <see cref="TryEngine(Action, object?)"/>, returning the call's result (default on failure).</summary>
    protected T? TryEngine<T>(Func<T> call, object? target)
    {
        T? result = default;
        TryEngine(() => { result = call(); }, target);
        return result;
    }

    /// <summary>
    /// Writes a container's output as it arrives: stdout lines as strings to the pipeline; stderr lines, unless
    /// <paramref name="stderrToPipeline"/>, as non-terminating ContainerStderr errors. Stops when the lines end,
    /// on Ctrl+C (as a stopped pipeline) or on an engine failure (as an error).
    /// </summary>
    protected void WriteContainerOutput(IEnumerable<ContainerLogEntry> entries, string container, bool stderrToPipeline = false, bool timestamps = false)
    {
        using var enumerator = TryEngine(entries.GetEnumerator, container);
        if (enumerator is null)
        {
            return;
        }
        while (true)
        {
            var more = false;
            if (!TryEngine(() => more = enumerator.MoveNext(), container) || !more)
            {
                break;
            }
            var entry = enumerator.Current;
            var line = entry.Format(timestamps).TrimEnd('\n');
            if (stderrToPipeline || entry.Stream != "stderr")
            {
                WriteObject(line);
            }
            else
            {
                WriteError(new ErrorRecord(new ContainerStderrException(line), "ContainerStderr", ErrorCategory.NotSpecified, container));
            }
        }
        if (stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>
    /// Runs this terminal's session on a container started attached with -Interactive or -Tty (docker start -ai,
    /// docker run -it): output straight to fds 1 and 2, stdin forwarded with -Interactive, raw mode and Ctrl-P Ctrl-Q
    /// with both; a run already over has its log replayed. Returns its exit code, the exit settled; null when detached
    /// (it runs on, and its monitor's ctcleanup settles its exit) or on an error already written. Ctrl+C outside raw
    /// mode stops the pipeline. See docs/terminals.md.
    /// </summary>
    protected int? AttachTerminalSession(AttachedRun run, out bool detached)
    {
        detached = false;
        var started = run.Container;
        if (run.Attachment is null)
        {
            var entries = TryEngine(() => Containers.Attach(started.Id, Cancellation).ToList(), started.Name);
            if (entries is not null)
            {
                TerminalSessions.WriteRaw(entries);
            }
        }
        else
        {
            var raw = started.Definition is { Tty: true, Interactive: true };
            var session = new Runtime.Terminals.InteractiveSession(run.Attachment)
            {
                ForwardInput = started.Definition.Interactive,
                DetachKeys = raw ? Runtime.Terminals.InteractiveSession.DockerDetachKeys : null,
            };
            switch (TerminalSessions.Run(session, Cancellation))
            {
                case Runtime.Terminals.SessionEnd.Cancelled:
                    throw new PipelineStoppedException();
                case Runtime.Terminals.SessionEnd.Detached:
                    // The container's prompt left the cursor mid-line: PowerShell's next output starts on a line of its own.
                    TerminalSessions.WriteLineBreak();
                    WriteVerbose($"Detached from {started.Name}; it is still running.");
                    detached = true;
                    return null;
            }
        }
        return FinishAttached(run);
    }

    /// <summary>
    /// The output of a container started attached, to the pipeline (see <see cref="WriteContainerOutput"/>), then its
    /// exit code with the exit settled (and an AutoRemove container removed); null on an error already written.
    /// </summary>
    protected int? WriteAttachedRun(AttachedRun run)
    {
        WriteContainerOutput(Containers.AttachedOutput(run, Cancellation), run.Container.Name);
        return FinishAttached(run);
    }

    /// <summary>The run's exit code with its exit settled; null on an error already written.</summary>
    /// <remarks>Through the non-generic TryEngine: TryEngine&lt;int?&gt; is an instantiation over a value type that every session would JIT-compile.</remarks>
    private int? FinishAttached(AttachedRun run)
    {
        int? code = null;
        TryEngine(() => { code = Containers.FinishAttached(run, Cancellation); }, run.Container.Name);
        return code;
    }

    /// <summary>A progress sink that becomes Write-Progress records of this cmdlet (call <see cref="ProgressWriter.Complete"/> when done).</summary>
    protected ProgressWriter NewProgress(string activity) => new(this, activity);

    private static bool IsReportable(Exception ex) =>
        ex is not (PipelineStoppedException or OutOfMemoryException or StackOverflowException or AccessViolationException);
}
