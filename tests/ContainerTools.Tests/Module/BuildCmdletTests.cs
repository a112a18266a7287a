using System.Management.Automation;

namespace ContainerTools.Tests.Module;

/// <summary>Build-ContainerImage, ConvertTo-ContainerImage and Get-ContainerImageHistory through real pipelines.</summary>
[Collection(ModuleCollection.Name)]
public sealed class BuildCmdletTests : BusyboxModuleTest
{
    private string Context()
    {
        var context = Path.Combine(session.Directory, "ctx");
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "msg.txt"), "from the context\n");
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM busybox\nCOPY msg.txt /\nRUN echo ran; cat /msg.txt > /copy.txt\nCMD [\"cat\", \"/copy.txt\"]\n");
        return context;
    }

    [Fact]
    public void BuildReportsStepsAndRunOutputOnTheInformationStreamAndWritesTheTaggedImage()
    {
        var context = Context();
        var result = session.Run("Build-ContainerImage $Ctx -Tag local/app:1 6>&1", Vars(("Ctx", context))).ThrowOnErrors();
        var messages = result.Output.Where(o => o.BaseObject is InformationRecord).Select(o => o.BaseObject.ToString()).ToList();
        Assert.Equal("STEP 1/4: FROM busybox", messages[0]);
        Assert.Contains("STEP 3/4: RUN echo ran; cat /msg.txt > /copy.txt", messages);
        Assert.Contains("ran", messages);
        var image = result.Output.Single(o => o.BaseObject.GetType().Name == "ContainerImage");
        Assert.Equal("docker.io/local/app:1", image.Properties["Reference"].Value);

        var run = session.Run("Invoke-ContainerImage local/app:1").ThrowOnErrors();
        Assert.Equal(["from the context"], run.Output.Select(o => o.ToString()));

        var again = session.Run("Build-ContainerImage $Ctx -Tag local/app:1 6>&1", Vars(("Ctx", context))).ThrowOnErrors();
        Assert.Equal(2, again.Output.Count(o => o.BaseObject is InformationRecord && o.BaseObject.ToString()!.StartsWith("--> Using cache")));

        var history = session.Run("Get-ContainerImageHistory local/app:1").ThrowOnErrors();
        Assert.Equal("CMD [\"cat\",\"/copy.txt\"]", history.Output[0].Properties["CreatedBy"].Value);
        Assert.True((long)history.Output[1].Properties["Size"].Value > 0);
    }

    [Fact]
    public void DockerfileFromThePipelineAndAFailingRunIsAnErrorRecord()
    {
        var context = Context();
        var piped = session.Run("'FROM busybox', 'RUN echo piped > /p' | Build-ContainerImage $Ctx -File - -Tag piped", Vars(("Ctx", context))).ThrowOnErrors();
        Assert.Equal("docker.io/library/piped:latest", piped.Output.Single().Properties["Reference"].Value);

        var failed = session.Run("'FROM busybox', 'RUN exit 4' | Build-ContainerImage $Ctx -File - -Tag broken", Vars(("Ctx", context)));
        var error = failed.SingleError();
        Assert.Equal("BuildStepFailed", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Contains("exited with code 4", error.Exception.Message);
        Assert.Empty(session.Run("Get-ContainerImage broken -ErrorAction SilentlyContinue").Output);

        var syntax = session.Run("'FROM busybox', 'BOGUS x' | Build-ContainerImage $Ctx -File -", Vars(("Ctx", context))).SingleError();
        Assert.Equal("UnknownInstruction", syntax.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("Dockerfile:2", syntax.Exception.Message);
    }

    [Fact]
    public void ClearContainerBuildCacheRemovesAFailedBuildsStepsAndWhatIfRemovesNothing()
    {
        var context = Context();
        session.Run("'FROM busybox', 'RUN echo half > /half', 'RUN exit 1' | Build-ContainerImage $Ctx -File -", Vars(("Ctx", context)));
        var whatIf = session.Run("Clear-ContainerBuildCache -WhatIf").ThrowOnErrors();
        Assert.Empty(whatIf.Output);
        var cleared = session.Run("Clear-ContainerBuildCache -Confirm:$false").ThrowOnErrors().Output.Single();
        Assert.Single((System.Collections.IEnumerable)cleared.Properties["RemovedImages"].Value);
        var rebuilt = session.Run("'FROM busybox', 'RUN echo half > /half' | Build-ContainerImage $Ctx -File - 6>&1", Vars(("Ctx", context))).ThrowOnErrors();
        Assert.DoesNotContain(rebuilt.Output, o => o.BaseObject is InformationRecord && o.BaseObject.ToString()!.StartsWith("--> Using cache"));
    }

    [Fact]
    public void ConvertToContainerImageCommitsAContainersChangesWithChanges()
    {
        session.Run("Invoke-ContainerImage busybox -Name work -Command sh,-c,'echo made > /made.txt && rm /etc/group' | Out-Null").ThrowOnErrors();
        var committed = session.Run("Get-Container work | ConvertTo-ContainerImage -Name local/committed:1 -Change 'CMD [\"cat\", \"/made.txt\"]', 'ENV MODE=committed' -Message snapshot").ThrowOnErrors();
        Assert.Equal("docker.io/local/committed:1", committed.Output.Single().Properties["Reference"].Value);
        var run = session.Run("Invoke-ContainerImage local/committed:1").ThrowOnErrors();
        Assert.Equal(["made"], run.Output.Select(o => o.ToString()));
        var check = session.Run("Invoke-ContainerImage local/committed:1 -Command sh,-c,'echo $MODE; ls /etc/group 2>&1; ls /etc/hosts /etc/hostname 2>/dev/null | wc -l'").ThrowOnErrors();
        Assert.Equal("committed", check.Output[0].ToString());
        Assert.Contains("No such file", check.Output[1].ToString());

        var bad = session.Run("ConvertTo-ContainerImage work -Change 'RUN echo no'").SingleError();
        Assert.Equal("ChangeNotAllowed", bad.FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void BuildPullsAMissingBaseImageFromARegistry()
    {
        using var registry = ContainerTools.Tests.Registry.LocalRegistry.Start();
        var remote = $"{registry.Host}/tests/base:1";
        var store = new ContainerTools.Runtime.Images.ImageStore(new ContainerTools.Runtime.Storage.StoreRoot(session.StoreRoot));
        using (var pusher = new ContainerTools.Runtime.Registry.ImagePusher(store, ContainerTools.Runtime.Registry.RegistryConfig.Default, ContainerTools.Runtime.Registry.RegistryLogins.Anonymous))
        {
            pusher.Push("busybox", ContainerTools.Runtime.Images.ImageReference.Parse(remote), null, CancellationToken.None);
        }
        var result = session.Run("\"FROM $Remote\", 'RUN echo built > /b' | Build-ContainerImage $Ctx -File - -Tag local/pulled:1", Vars(("Remote", remote), ("Ctx", Context())));
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors.Select(e => e.Exception.ToString())));
        Assert.Equal("docker.io/local/pulled:1", result.Output.Single().Properties["Reference"].Value);
        Assert.NotNull(store.TryResolve(remote));
    }
}
