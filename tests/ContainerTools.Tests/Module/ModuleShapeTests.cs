using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Reflection;
using ContainerTools.OciRuntime.Events;

namespace ContainerTools.Tests.Module;

/// <summary>The module as Import-Module sees it: manifest, exported cmdlets, verbs, output types, parameter binding, help.</summary>
[Collection(ModuleCollection.Name)]
public sealed class ModuleShapeTests : IDisposable
{
    private static readonly string[] ImageCmdlets =
        ["Add-ContainerImageTag", "Export-ContainerImage", "Get-ContainerImage", "Import-ContainerImage", "Remove-ContainerImage"];

    private static readonly string[] ContainerCmdlets =
        ["Get-Container", "Get-ContainerLog", "Invoke-ContainerImage", "New-Container", "Remove-Container", "Rename-Container",
         "Restart-Container", "Resume-Container", "Start-Container", "Stop-Container", "Suspend-Container", "Wait-Container",
         "Copy-ContainerFile", "Export-Container", "Get-ContainerStatistic", "Get-ContainerEvent",
         "Get-ContainerProcess", "Invoke-ContainerCommand", "Start-ContainerProcess", "Enter-Container"];

    private static readonly string[] NetworkAndVolumeCmdlets =
        ["New-ContainerNetwork", "Get-ContainerNetwork", "Remove-ContainerNetwork", "Connect-ContainerNetwork", "Disconnect-ContainerNetwork",
         "New-ContainerVolume", "Get-ContainerVolume", "Remove-ContainerVolume"];

    private static readonly string[] FleetCmdlets = ["Get-ContainerHost", "Install-ContainerTools"];

    private readonly ModuleSession session = new();

    public void Dispose() => session.Dispose();

    [Fact]
    public void ManifestExportsExactlyTheCmdletsOfTheDll()
    {
        var manifest = (Hashtable)Parser.ParseFile(Path.Combine(BuiltModule.Folder, "ContainerTools.psd1"), out _, out var errors)
            .Find(a => a is HashtableAst, false)!.SafeGetValue();
        Assert.Empty(errors);
        var listed = ((object[])manifest["CmdletsToExport"]!).Cast<string>().Order().ToList();

        var assembly = session.Run("[ContainerTools.ContainerImage].Assembly").ThrowOnErrors().Values<Assembly>().Single();
        var inDll = assembly.GetExportedTypes()
            .Select(t => t.GetCustomAttribute<CmdletAttribute>())
            .OfType<CmdletAttribute>()
            .Select(c => $"{c.VerbName}-{c.NounName}")
            .Order().ToList();

        Assert.Equal(inDll, listed);
        Assert.Equal("ContainerTools.dll", manifest["RootModule"]);
        Assert.Equal("0.1.0", manifest["ModuleVersion"]);
        var exported = session.Run("(Get-Module ContainerTools).ExportedCmdlets.Keys").ThrowOnErrors().Values<string>().Order();
        Assert.Equal(inDll, exported);
        Assert.Subset(inDll.ToHashSet(), ImageCmdlets.ToHashSet());
        Assert.Subset(inDll.ToHashSet(), ContainerCmdlets.ToHashSet());
        Assert.Subset(inDll.ToHashSet(), NetworkAndVolumeCmdlets.ToHashSet());
        Assert.Subset(inDll.ToHashSet(), FleetCmdlets.ToHashSet());
    }

    [Fact]
    public void EveryCmdletButInstallRunsOnSessionsThatPipedObjectsBring()
    {
        var commands = session.Run("Get-Command -Module ContainerTools").ThrowOnErrors().Values<CmdletInfo>().Where(c => c.Name != "Install-ContainerTools").ToList();
        Assert.Contains(commands, c => c.Name == "Get-ContainerHost");
        foreach (var command in commands)
        {
            var sessionParameter = command.Parameters["Session"];
            Assert.Equal(typeof(System.Management.Automation.Runspaces.PSSession[]), sessionParameter.ParameterType);
            Assert.All(sessionParameter.ParameterSets.Values, set =>
            {
                Assert.True(set.ValueFromPipelineByPropertyName, $"{command.Name} -Session does not bind by property name");
                Assert.False(set.IsMandatory, command.Name);
            });
            Assert.Equal(typeof(int), command.Parameters["ThrottleLimit"].ParameterType);
        }
        var install = session.Run("(Get-Command Install-ContainerTools).Parameters['Session']").ThrowOnErrors().Values<ParameterMetadata>().Single();
        Assert.True(install.ParameterSets.Values.Single().IsMandatory);
    }

    [Fact]
    public void EveryCmdletUsesAnApprovedVerbAndDeclaresItsOutput()
    {
        var approved = new[] { typeof(VerbsCommon), typeof(VerbsData), typeof(VerbsLifecycle), typeof(VerbsDiagnostic), typeof(VerbsCommunications), typeof(VerbsSecurity), typeof(VerbsOther) }
            .SelectMany(t => t.GetFields()).Select(f => (string)f.GetValue(null)!).ToHashSet();
        var commands = session.Run("Get-Command -Module ContainerTools").ThrowOnErrors().Values<CmdletInfo>();
        Assert.NotEmpty(commands);
        foreach (var command in commands)
        {
            Assert.Contains(command.Verb, approved);
            Assert.True(command.OutputType.Count > 0, $"{command.Name} declares no [OutputType]");
        }
    }

    [Theory]
    [InlineData("Remove-ContainerImage")]
    [InlineData("Export-ContainerImage")]
    [InlineData("Add-ContainerImageTag")]
    public void ImageParametersBindNamesByValueAndObjectsByReferenceNameOrId(string cmdlet)
    {
        var image = session.Run($"(Get-Command {cmdlet}).Parameters['Image']").ThrowOnErrors().Values<ParameterMetadata>().Single();
        Assert.Equal(["Reference", "Name", "Id"], image.Aliases);
        var binding = image.ParameterSets.Values.Single();
        Assert.True(binding.ValueFromPipeline);
        Assert.True(binding.ValueFromPipelineByPropertyName);
        Assert.Contains(image.Attributes, a => a is ArgumentCompleterAttribute);
    }

    [Theory]
    [InlineData("Start-Container")]
    [InlineData("Stop-Container")]
    [InlineData("Restart-Container")]
    [InlineData("Suspend-Container")]
    [InlineData("Resume-Container")]
    [InlineData("Remove-Container")]
    [InlineData("Wait-Container")]
    [InlineData("Get-ContainerLog")]
    [InlineData("Rename-Container")]
    [InlineData("Copy-ContainerFile")]
    [InlineData("Export-Container")]
    public void ContainerParametersBindNamesByValueAndObjectsByIdOrName(string cmdlet)
    {
        var container = session.Run($"(Get-Command {cmdlet}).Parameters['Container']").ThrowOnErrors().Values<ParameterMetadata>().Single();
        Assert.Equal(["Id", "Name"], container.Aliases);
        var binding = container.ParameterSets.Values.Single();
        Assert.True(binding.IsMandatory);
        Assert.Equal(0, binding.Position);
        Assert.True(binding.ValueFromPipeline);
        Assert.True(binding.ValueFromPipelineByPropertyName);
        Assert.Contains(container.Attributes, a => a is ArgumentCompleterAttribute);
    }

    [Theory]
    [InlineData("Stop-Container")]
    [InlineData("Restart-Container")]
    [InlineData("Remove-Container")]
    [InlineData("Suspend-Container")]
    [InlineData("Resume-Container")]
    [InlineData("Rename-Container")]
    [InlineData("New-Container")]
    [InlineData("Copy-ContainerFile")]
    [InlineData("Export-Container")]
    public void ContainerCmdletsThatChangeStateSupportWhatIfAndConfirm(string cmdlet)
    {
        var names = session.Run($"(Get-Command {cmdlet}).Parameters.Keys").ThrowOnErrors().Values<string>();
        Assert.Contains("WhatIf", names);
        Assert.Contains("Confirm", names);
    }

    [Fact]
    public void RemoveSupportsWhatIfAndConfirm()
    {
        var names = session.Run("(Get-Command Remove-ContainerImage).Parameters.Keys").ThrowOnErrors().Values<string>();
        Assert.Contains("WhatIf", names);
        Assert.Contains("Confirm", names);
        Assert.Contains("Force", names);
    }

    [Fact]
    public void GetHelpShowsSynopsisDescriptionParametersAndExamplesForEveryCmdlet()
    {
        foreach (var cmdlet in ImageCmdlets.Concat(ContainerCmdlets).Concat(NetworkAndVolumeCmdlets).Concat(FleetCmdlets))
        {
            CmdletHelp.AssertComplete(session, cmdlet);
        }
    }

    [Fact]
    public void EngineErrorKindsMapOntoPowerShellCategories()
    {
        var pairs = new Dictionary<string, ErrorCategory>
        {
            ["NotFound"] = ErrorCategory.ObjectNotFound,
            ["AlreadyExists"] = ErrorCategory.ResourceExists,
            ["InUse"] = ErrorCategory.ResourceBusy,
            ["InvalidArgument"] = ErrorCategory.InvalidArgument,
            ["InvalidData"] = ErrorCategory.InvalidData,
            ["PermissionDenied"] = ErrorCategory.PermissionDenied,
            ["InvalidOperation"] = ErrorCategory.InvalidOperation,
            ["ConnectionError"] = ErrorCategory.ConnectionError,
            ["AuthenticationError"] = ErrorCategory.AuthenticationError,
            ["ResourceUnavailable"] = ErrorCategory.ResourceUnavailable,
        };
        Assert.Equal(Enum.GetNames<ContainerTools.OciRuntime.Errors.ErrorKind>().Order(), pairs.Keys.Order());
        foreach (var (kind, category) in pairs)
        {
            var record = session.Run(
                "$e = [ContainerTools.OciRuntime.Errors.ContainerToolsException]::new($Kind, 'SomethingWrong', 'message', 'the-target', $null); [ContainerTools.Cmdlets.Common.ErrorRecords]::From($e, 'fallback')",
                new Dictionary<string, object?> { ["Kind"] = kind }).ThrowOnErrors().Values<ErrorRecord>().Single();
            Assert.Equal(category, record.CategoryInfo.Category);
            Assert.Equal("SomethingWrong", record.FullyQualifiedErrorId);
            Assert.Equal("the-target", record.TargetObject);
        }
    }

    [Theory]
    [InlineData(0L, "0B")]
    [InlineData(999L, "999B")]
    [InlineData(4_260_000L, "4.26MB")]
    [InlineData(12_345_678L, "12.3MB")]
    [InlineData(1_500_000_000L, "1.5GB")]
    public void SizesPrintInDockersDecimalUnits(long bytes, string text)
    {
        Assert.Equal(text, session.Run("[ContainerTools.Display]::Size($Bytes)", new Dictionary<string, object?> { ["Bytes"] = bytes }).ThrowOnErrors().Values<string>().Single());
    }

    [Fact]
    public void ContainerStatusAndCommandPrintAsDockerPsDoes()
    {
        var texts = session.Run("""
            $now = [datetime]::Now
            [ContainerTools.Display]::Status([ContainerTools.Container]@{ Status = 'Created' })
            [ContainerTools.Display]::Status([ContainerTools.Container]@{ Status = 'Running'; StartedAt = $now.AddMinutes(-5).AddSeconds(-3) })
            [ContainerTools.Display]::Status([ContainerTools.Container]@{ Status = 'Paused'; StartedAt = $now.AddSeconds(-70) })
            [ContainerTools.Display]::Status([ContainerTools.Container]@{ Status = 'Exited'; ExitCode = 137; FinishedAt = $now.AddHours(-3).AddMinutes(-1) })
            [ContainerTools.Display]::Status([ContainerTools.Container]@{ Status = 'Running'; StartedAt = $now.AddDays(-3) })
            [ContainerTools.Display]::Command(@('sh', '-c', 'echo hello; sleep 100'), 20)
            [ContainerTools.Display]::Command(@('true'), 20)
            """).ThrowOnErrors().Values<string>();
        Assert.Equal(["Created", "Up 5 minutes", "Up About a minute (Paused)", "Exited (137) 3 hours ago", "Up 3 days",
            "\"sh -c echo hello; s…\"", "\"true\""], texts);
    }

    [Fact]
    public void CreationTimesPrintRelativeToNow()
    {
        var texts = session.Run("[ContainerTools.Display]::Since([datetime]::Now.AddMinutes(-5).AddSeconds(-10)); [ContainerTools.Display]::Since([datetime]::Now.AddDays(-3)); [ContainerTools.Display]::Since($null); [ContainerTools.Display]::Since([datetime]::Now.AddSeconds(-1.5)); [ContainerTools.Display]::Since([datetime]::Now.AddYears(-2).AddDays(-5))").ThrowOnErrors().Values<string>();
        Assert.Equal(["5 minutes ago", "3 days ago", "N/A", "1 second ago", "2 years ago"], texts);
    }
}
