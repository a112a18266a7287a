using System.Management.Automation;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Module;

/// <summary>
/// The container cmdlets through real pipelines in a hosted engine: real busybox containers (namespaces, overlay,
/// cgroups, ctmon) in a store of their own. Dispose removes every container through the cmdlets and checks that no
/// overlay mount is left under the store.
/// </summary>
[Collection(ModuleCollection.Name)]
public sealed class ContainerCmdletTests : BusyboxModuleTest
{
    // Exits 7 on SIGTERM at once (a bare sleep as PID 1 ignores SIGTERM, and Stop would wait for its timeout);
    // says "ready" once its trap is set, see WaitUntilReady.
    private const string Sleeper = "-Command sh,-c,'trap \"exit 7\" TERM; echo ready; sleep 100 & wait'";

    private ContainerView One(string script) => new(session.Run(script).ThrowOnErrors().Output.Single());

    private IReadOnlyList<ContainerView> Many(string script) => session.Run(script).ThrowOnErrors().Output.Select(o => new ContainerView(o)).ToList();

    /// <summary>Until a Sleeper container has set its trap: a signal before that would be ignored by PID 1.</summary>
    private void WaitUntilReady(params string[] names)
    {
        foreach (var name in names)
        {
            var ready = session.Run("for ($i = 0; $i -lt 500; $i++) { if (@(Get-ContainerLog $Name) -contains 'ready') { return $true }; [Threading.Thread]::Sleep(20) }; $false",
                Vars(("Name", name))).ThrowOnErrors().Values<bool>().Single();
            Assert.True(ready, $"{name} never said ready");
        }
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;

    private int LastExitCode => session.Run("$global:LASTEXITCODE").ThrowOnErrors().Values<int>().Single();

    [Fact]
    public void InvokeWritesStdoutToThePipelineAndSetsLastExitCode()
    {
        var hello = session.Run("Invoke-ContainerImage busybox -Command echo,hello").ThrowOnErrors();
        Assert.Equal(["hello"], hello.Values<string>());
        Assert.Equal(0, LastExitCode);

        var failed = session.Run("Invoke-ContainerImage busybox -Command sh,-c,'echo out; echo err >&2; exit 3'");
        Assert.Equal(["out"], failed.Values<string>());
        var stderr = failed.SingleError();
        Assert.Equal("ContainerStderr", stderr.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal("err", stderr.Exception.Message);
        Assert.Equal(3, LastExitCode);

        var exited = Many("Get-Container");
        Assert.Equal(2, exited.Count);
        Assert.All(exited, c => Assert.Equal("Exited", c.Status));
        Assert.Equal([3, 0], exited.Select(c => c.ExitCode));

        // --rm: the container is gone once it has exited, and its code still reaches $LASTEXITCODE.
        Assert.Equal(["bye"], session.Run("Invoke-ContainerImage busybox -RemoveAutomatically -Command sh,-c,'echo bye; exit 5'").ThrowOnErrors().Values<string>());
        Assert.Equal(5, LastExitCode);
        Assert.Equal(2, Many("Get-Container").Count);

        // Nothing ran: 125, as docker run exits, and the error says why.
        var noImage = session.Run("Invoke-ContainerImage no/such:image -Command true").SingleError();
        Assert.Equal(ErrorCategory.ObjectNotFound, noImage.CategoryInfo.Category);
        Assert.Equal(125, LastExitCode);
        // The program is not found: 127, as docker run exits (the engine's mapping), and the reason said once.
        var notFound = session.Run("Invoke-ContainerImage busybox -RemoveAutomatically -Command /no/such/program").SingleError();
        Assert.StartsWith("ContainerStartFailed,", notFound.FullyQualifiedErrorId);
        Assert.Equal(127, LastExitCode);
        Assert.Equal(1, CountOf(notFound.Exception.Message, "could not start"));
        Assert.Equal(2, Many("Get-Container").Count);
    }

    [Fact]
    public void NewContainerTakesTheImageFromThePipelineAndStartAttachStreamsItsOutput()
    {
        var created = One("Get-ContainerImage busybox | New-Container -Name greeter -Command sh,-c,'echo \"$GREETING from $(hostname) in $(pwd)\"' " +
            "-Environment @{ GREETING = 'hi' } -Hostname box -WorkingDirectory /tmp -Label @{ app = 'demo'; tier = 1 } -Memory 64MB -Cpus 0.5 -PidsLimit 50");
        Assert.Equal("greeter", created.Name);
        Assert.Equal("Created", created.Status);
        Assert.Equal("docker.io/library/busybox:latest", created.Image);
        Assert.Matches("^[0-9a-f]{64}$", created.Id);
        Assert.Equal(created.Id[..12], created.ShortId);
        Assert.Equal(["sh", "-c", "echo \"$GREETING from $(hostname) in $(pwd)\""], created.Command);
        Assert.Equal("demo", created.Labels["app"]);
        Assert.Equal("1", created.Labels["tier"]);
        Assert.Equal(64L * 1024 * 1024, created.Get<long?>("Memory"));
        Assert.Equal(0.5, created.Get<double?>("Cpus"));
        Assert.Equal(50L, created.Get<long?>("PidsLimit"));
        Assert.Null(created.ExitCode);
        Assert.Null(created.Get<DateTime?>("StartedAt"));

        var output = session.Run("Get-Container greeter | Start-Container -Attach").ThrowOnErrors();
        Assert.Equal(["hi from box in /tmp"], output.Values<string>());
        Assert.Equal(0, LastExitCode);
        Assert.Equal([0], session.Run("Wait-Container greeter").ThrowOnErrors().Values<int>());
        Assert.Equal(["hi from box in /tmp"], session.Run("Get-ContainerLog greeter").ThrowOnErrors().Values<string>());

        var exited = One("Get-Container greeter");
        Assert.Equal("Exited", exited.Status);
        Assert.Equal(0, exited.ExitCode);
        Assert.NotNull(exited.Get<DateTime?>("FinishedAt"));
    }

    [Fact]
    public void ADetachedContainerRunsPausesResumesAndStops()
    {
        var started = One($"Invoke-ContainerImage busybox -Detach -Name sleeper {Sleeper}");
        Assert.Equal("Running", started.Status);
        Assert.True(started.Get<int?>("Pid") > 0);
        Assert.Equal(["sleeper"], Many("Get-Container -Status Running").Select(c => c.Name));
        WaitUntilReady("sleeper");
        Assert.Matches(@"^Up ", session.Run("[ContainerTools.Display]::Status((Get-Container sleeper))").ThrowOnErrors().Values<string>().Single());

        session.Run("Suspend-Container sleeper").ThrowOnErrors();
        Assert.Equal("Paused", One("Get-Container sleeper").Status);
        Assert.EndsWith("(Paused)", session.Run("(Get-Container sleeper).StatusText").ThrowOnErrors().Values<string>().Single());
        Assert.Equal("Running", One("Get-Container sleeper | Resume-Container -PassThru").Status);

        var timedOut = session.Run("Wait-Container sleeper -Timeout 0").SingleError();
        Assert.Equal(ErrorCategory.OperationTimeout, timedOut.CategoryInfo.Category);
        Assert.StartsWith("WaitTimeout,", timedOut.FullyQualifiedErrorId);

        var stopped = One("Get-Container sleeper | Stop-Container -PassThru");
        Assert.Equal("Exited", stopped.Status);
        Assert.Equal(7, stopped.ExitCode);
        Assert.Equal([7], session.Run("Wait-Container sleeper").ThrowOnErrors().Values<int>());
        Assert.Empty(Many("Get-Container -Status Running, Paused"));
    }

    [Fact]
    public void PipelinesRemoveExitedContainersAndRestartByLabelAndWhatIfChangesNothing()
    {
        session.Run("Invoke-ContainerImage busybox -Name done-1 -Command true; Invoke-ContainerImage busybox -Name done-2 -Command false").ThrowOnErrors();
        session.Run($"Invoke-ContainerImage busybox -Detach -Name web -Label @{{ app = 'web' }} {Sleeper} | Out-Null").ThrowOnErrors();
        session.Run($"Invoke-ContainerImage busybox -Detach -Name db -Label @{{ app = 'db' }} {Sleeper} | Out-Null").ThrowOnErrors();
        Assert.Equal(4, Many("Get-Container").Count);
        WaitUntilReady("web", "db");

        session.Run("Get-Container | Where-Object Status -eq Exited | Remove-Container -WhatIf").ThrowOnErrors();
        session.Run("Get-Container | Stop-Container -WhatIf; Get-Container | Restart-Container -WhatIf").ThrowOnErrors();
        Assert.Equal(["db", "done-1", "done-2", "web"], Many("Get-Container").Select(c => c.Name).Order());
        Assert.Equal(2, Many("Get-Container -Status Running").Count);

        session.Run("Get-Container | Where-Object Status -eq Exited | Remove-Container").ThrowOnErrors();
        Assert.Equal(["db", "web"], Many("Get-Container").Select(c => c.Name).Order());

        var webBefore = One("Get-Container -Label app=web");
        Assert.Equal("web", webBefore.Name);
        Assert.Equal(2, Many("Get-Container -Label app").Count);
        Assert.Empty(Many("Get-Container -Label app=none"));

        var restarted = One("Get-Container -Label app=web | Restart-Container -PassThru");
        Assert.Equal("Running", restarted.Status);
        Assert.Equal(1, restarted.Get<int>("RestartCount"));
        Assert.NotEqual(webBefore.Get<int?>("Pid"), restarted.Get<int?>("Pid"));
        Assert.Equal(0, One("Get-Container db").Get<int>("RestartCount"));

        // A running container is not removed without -Force.
        var refused = session.Run("Remove-Container web").SingleError();
        Assert.Equal(ErrorCategory.ResourceBusy, refused.CategoryInfo.Category);
        Assert.StartsWith("ContainerRunning,", refused.FullyQualifiedErrorId);
        Assert.Equal(2, Many("Get-Container").Count);
    }

    [Fact]
    public void LogsTailAndTimestamps()
    {
        session.Run("Invoke-ContainerImage busybox -Name counter -Command sh,-c,'for i in 1 2 3 4 5; do echo line$i; done'").ThrowOnErrors();
        Assert.Equal(["line1", "line2", "line3", "line4", "line5"], session.Run("Get-ContainerLog counter").ThrowOnErrors().Values<string>());
        Assert.Equal(["line4", "line5"], session.Run("Get-Container counter | Get-ContainerLog -Tail 2").ThrowOnErrors().Values<string>());
        var stamped = session.Run("Get-ContainerLog counter -Tail 1 -Timestamps").ThrowOnErrors().Values<string>().Single();
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line5$", stamped);
        Assert.Empty(session.Run("Get-ContainerLog counter -Since ([datetime]::Now.AddMinutes(5))").ThrowOnErrors().Output);
        // -Follow on an exited container writes what there is and ends.
        Assert.Equal(5, session.Run("Get-ContainerLog counter -Follow").ThrowOnErrors().Output.Count);

        // The log holds stderr too (Docker orders the two streams only by time, so no order is asserted).
        session.Run("Invoke-ContainerImage busybox -Name noisy -Command sh,-c,'echo oops >&2' 2>$null").ThrowOnErrors();
        Assert.Equal(["oops"], session.Run("Get-ContainerLog noisy").ThrowOnErrors().Values<string>());
    }

    [Fact]
    public void RenameNameClashesAndUnknownContainersAreErrorRecords()
    {
        session.Run("New-Container busybox -Name alpha | Out-Null; New-Container busybox -Name beta | Out-Null").ThrowOnErrors();
        var renamed = One("Get-Container alpha | Rename-Container -NewName gamma -PassThru");
        Assert.Equal("gamma", renamed.Name);
        Assert.Equal(["beta", "gamma"], Many("Get-Container").Select(c => c.Name).Order());

        var clash = session.Run("Rename-Container beta -NewName gamma").SingleError();
        Assert.Equal(ErrorCategory.ResourceExists, clash.CategoryInfo.Category);
        Assert.StartsWith("ContainerNameInUse,", clash.FullyQualifiedErrorId);
        var taken = session.Run("New-Container busybox -Name beta").SingleError();
        Assert.Equal(ErrorCategory.ResourceExists, taken.CategoryInfo.Category);
        Assert.Equal(2, Many("Get-Container").Count);

        foreach (var script in new[] { "Get-Container nosuch", "Stop-Container nosuch", "Remove-Container nosuch", "Start-Container nosuch", "Get-ContainerLog nosuch" })
        {
            var missing = session.Run(script).SingleError();
            Assert.Equal(ErrorCategory.ObjectNotFound, missing.CategoryInfo.Category);
            Assert.StartsWith("ContainerNotFound,", missing.FullyQualifiedErrorId);
            Assert.Equal("nosuch", missing.TargetObject);
        }
        var noImage = session.Run("New-Container no/such:image").SingleError();
        Assert.Equal(ErrorCategory.ObjectNotFound, noImage.CategoryInfo.Category);

        // -ErrorAction Stop makes it terminating, as with any cmdlet.
        Assert.Equal(["caught ContainerNotFound"], session.Run("try { Get-Container nosuch -ErrorAction Stop } catch { 'caught ' + $_.FullyQualifiedErrorId.Split(',')[0] }").ThrowOnErrors().Values<string>());
    }

    [Fact]
    public void GetContainerMatchesWildcardsIdsAndPipedObjects()
    {
        session.Run("'web-1', 'web-2', 'db' | ForEach-Object { New-Container busybox -Name $_ -Command true } | Out-Null").ThrowOnErrors();
        Assert.Equal(["web-1", "web-2"], Many("Get-Container 'web-*'").Select(c => c.Name).Order());
        Assert.Equal(["web-1", "web-2"], Many("Get-Container 'WEB-?'").Select(c => c.Name).Order());
        Assert.Empty(session.Run("Get-Container 'cache*'").ThrowOnErrors().Output);

        var db = One("Get-Container db");
        Assert.Equal("db", One($"Get-Container {db.ShortId}").Name);
        Assert.Equal("db", One($"Get-Container -Id {db.Id[..6]}").Name);
        Assert.Equal("db", One("[pscustomobject]@{ Name = 'db' } | Get-Container").Name);
        Assert.Equal("db", One($"[pscustomobject]@{{ Id = '{db.Id}' }} | Stop-Container -PassThru").Name);

        // Wildcards work for actions too; a pattern that matches nothing is no error.
        session.Run("Remove-Container 'web-*'; Remove-Container 'nothing*'").ThrowOnErrors();
        Assert.Equal(["db"], Many("Get-Container").Select(c => c.Name));

        // Names complete from the store.
        var completions = session.Run("(TabExpansion2 -inputScript 'Start-Container d' -cursorColumn 17).CompletionMatches.CompletionText").ThrowOnErrors().Values<string>();
        Assert.Equal(["db"], completions);
    }
}

/// <summary>A Container output object read through its properties (the module's types load in their own context).</summary>
internal sealed class ContainerView(PSObject row)
{
    public T Get<T>(string name) => (T)LanguagePrimitives.ConvertTo(row.Properties[name].Value, typeof(T));
    public string Id => Get<string>(nameof(Id));
    public string ShortId => Get<string>(nameof(ShortId));
    public string Name => Get<string>(nameof(Name));
    public string Image => Get<string>(nameof(Image));
    public string Status => row.Properties[nameof(Status)].Value.ToString()!;
    public int? ExitCode => Get<int?>(nameof(ExitCode));
    public string[] Command => Get<string[]>(nameof(Command));
    public System.Collections.Hashtable Labels => Get<System.Collections.Hashtable>(nameof(Labels));
}
