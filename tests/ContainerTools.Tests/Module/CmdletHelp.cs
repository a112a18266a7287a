namespace ContainerTools.Tests.Module;

/// <summary>What every exported cmdlet's help must carry, checked through Get-Help in a hosted session.</summary>
internal static class CmdletHelp
{
    public static void AssertComplete(ModuleSession session, string cmdlet)
    {
        var help = session.Run($"Get-Help {cmdlet} -Full").ThrowOnErrors().Output.Single();
        var synopsis = help.Properties["Synopsis"].Value?.ToString() ?? "";
        Assert.False(string.IsNullOrWhiteSpace(synopsis), cmdlet);
        // Without a help file PowerShell makes a synopsis out of the syntax; ours is a sentence.
        Assert.DoesNotContain(cmdlet, synopsis);

        var examples = session.Run($"@((Get-Help {cmdlet}).examples.example).Count").ThrowOnErrors().Values<int>().Single();
        Assert.True(examples >= 1, $"{cmdlet} has no examples");

        var parameters = session.Run($"(Get-Command {cmdlet}).Parameters.Keys | Where-Object {{ $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters -and $_ -notin [System.Management.Automation.Cmdlet]::OptionalCommonParameters }}").ThrowOnErrors().Values<string>();
        foreach (var parameter in parameters)
        {
            var text = session.Run($"((Get-Help {cmdlet} -Parameter {parameter}).description | ForEach-Object Text) -join ' '").ThrowOnErrors().Values<string>().Single();
            Assert.False(string.IsNullOrWhiteSpace(text), $"{cmdlet} -{parameter} has no help text");
        }
    }
}
