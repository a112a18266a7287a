using System.Diagnostics;

namespace ContainerTools.Tests.Network;

/// <summary>Runs ip, iptables-save, busybox... and returns what they printed.</summary>
internal static class HostCommand
{
    public sealed record Output(int ExitCode, string Stdout, string Stderr);

    public static Output Run(string file, params string[] args) => RunWithInput(null, file, args);

    public static Output RunWithInput(string? input, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
        }
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }
        process.WaitForExit();
        return new Output(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static string Check(string file, params string[] args)
    {
        var output = Run(file, args);
        Assert.True(output.ExitCode == 0, $"{file} {string.Join(' ', args)} failed ({output.ExitCode}): {output.Stderr}{output.Stdout}");
        return output.Stdout;
    }

    /// <summary>The rules iptables-save prints, without counters and comments, for before/after comparisons.</summary>
    public static IReadOnlyList<string> IptablesRules() =>
        Check("iptables-save").Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"\[\d+:\d+\]", ""))
            .ToList();
}
