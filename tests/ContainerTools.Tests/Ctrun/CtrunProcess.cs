using System.Diagnostics;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Ctrun;

/// <summary>Runs out/ContainerTools/ctrun (or $CONTAINERTOOLS_CTRUN) with its own --root and ctinit from the build.</summary>
internal sealed class CtrunProcess(string root)
{
    public string Root { get; } = root;

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public Result Run(params string[] arguments) => RunWith(null, arguments);

    public Result RunWith(string? stdin, params string[] arguments)
    {
        var start = new ProcessStartInfo(HelperBinaries.Ctrun)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment["CONTAINERTOOLS_INIT"] = HelperBinaries.Init;
        start.ArgumentList.Add("--root");
        start.ArgumentList.Add(Root);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Fails the test with ctrun's stderr when it exits non-zero.</summary>
    public string Ok(params string[] arguments)
    {
        var result = Run(arguments);
        Assert.True(result.ExitCode == 0, $"ctrun {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Stderr}{result.Stdout}");
        return result.Stdout;
    }
}
