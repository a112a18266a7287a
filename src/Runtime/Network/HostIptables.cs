using System.Diagnostics;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Network;

/// <summary>Runs the host's iptables (whichever backend update-alternatives chose, as the CNI plugins do) with -w.</summary>
internal static class HostIptables
{
    private const string SbinPath = "/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin";

    /// <summary>One iptables command; false when it failed (e.g. -D of a rule that is not there) or iptables is missing.</summary>
    public static bool TryRun(params string[] args) => Execute("iptables", ["-w", .. args], null, out _, out _) == 0;

    /// <summary>Every table's chains and rules (iptables-save, without counters); empty when iptables is missing.</summary>
    public static string Save() => Execute("iptables-save", [], null, out var output, out _) == 0 ? output : "";

    /// <summary>
    /// Applies a whole iptables-save fragment in one process and one transaction (iptables-restore --noflush): every
    /// rule appears at once or none does. A chain it declares is created, or flushed if it exists.
    /// </summary>
    public static void Restore(string rules, string target)
    {
        var status = Execute("iptables-restore", ["-w", "--noflush"], rules, out _, out var error);
        if (status != 0)
        {
            throw new ContainerToolsException(ErrorIds.NetworkRulesFailed, $"iptables-restore could not change the network's rules (status {status}): {error.Trim()}", target);
        }
    }

    private static int Execute(string program, string[] args, string? input, out string output, out string error)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false, RedirectStandardInput = input is not null, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["PATH"] = SbinPath;
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (input is not null)
            {
                process.StandardInput.Write(input);
                process.StandardInput.Close();
            }
            process.WaitForExit();
            output = stdout.Result;
            error = stderr.Result;
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            output = "";
            error = $"{program} is not installed ({ex.Message})";
            return 127;
        }
    }
}
