using System.Diagnostics;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Ctrun;

/// <summary>Runs out/ContainerTools/ctrun (or $CONTAINERTOOLS_CTRUN) with its own --root and ctinit from the build.</summary>
internal sealed class CtrunProcess(string root)
{
    public string Root { get; } = root;

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    private int _runs;

    public Result Run(params string[] arguments) => RunWith(null, arguments);

    /// <summary>
    /// stdout and stderr go to files, not pipes: a created or detached container inherits them (as under runc), so a
    /// pipe would see no end of file until the container exits. Each run has its own pair of files: a detached container
    /// keeps writing to the files of the run that started it.
    /// </summary>
    public Result RunWith(string? stdin, params string[] arguments)
    {
        var run = Interlocked.Increment(ref _runs);
        var output = $"{Root}.{run}.out";
        var errors = $"{Root}.{run}.err";
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("out=$1; err=$2; shift 2; exec \"$@\" > \"$out\" 2> \"$err\"");
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add(output);
        start.ArgumentList.Add(errors);
        start.ArgumentList.Add(HelperBinaries.Ctrun);
        start.Environment["CONTAINERTOOLS_INIT"] = HelperBinaries.Init;
        start.ArgumentList.Add("--root");
        start.ArgumentList.Add(Root);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        process.WaitForExit();
        return new Result(process.ExitCode, File.ReadAllText(output), File.ReadAllText(errors));
    }

    /// <summary>Fails the test with ctrun's stderr when it exits non-zero.</summary>
    public string Ok(params string[] arguments)
    {
        var result = Run(arguments);
        Assert.True(result.ExitCode == 0, $"ctrun {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Stderr}{result.Stdout}");
        return result.Stdout;
    }
}
