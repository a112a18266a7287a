using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Network.Cni;

/// <summary>
/// Executes one CNI plugin binary once (CNI spec 1.0.0, section "Execution protocol"): parameters in CNI_*
/// environment variables, the network configuration on stdin, a result or an error object on stdout.
/// </summary>
public sealed class CniPluginRunner
{
    /// <summary>Where distributions install the reference plugins: Debian's /usr/lib/cni first, upstream's /opt/cni/bin next.</summary>
    public static readonly IReadOnlyList<string> DefaultPluginDirectories = ["/usr/lib/cni", "/opt/cni/bin", "/usr/libexec/cni"];

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public CniPluginRunner(IReadOnlyList<string>? pluginDirectories = null)
    {
        PluginDirectories = pluginDirectories ?? DefaultPluginDirectories;
    }

    public IReadOnlyList<string> PluginDirectories { get; }

    public string FindPlugin(string type)
    {
        if (type.Contains('/') || type is "." or "..")
        {
            throw new ContainerToolsException(ErrorIds.InvalidNetworkPlugin, $"The CNI plugin type '{type}' is not a plain name.", type);
        }
        foreach (var dir in PluginDirectories)
        {
            var candidate = Path.Combine(dir, type);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new ContainerToolsException(ErrorIds.NetworkPluginNotFound, $"The CNI plugin '{type}' is not installed in {string.Join(", ", PluginDirectories)} (Debian: apt-get install containernetworking-plugins).", type);
    }

    /// <summary>Runs the plugin and returns its parsed stdout (null when it printed nothing, as DEL and CHECK do).</summary>
    public JsonObject? Run(string command, JsonObject pluginConfig, CniAttachment attachment)
    {
        var type = pluginConfig["type"]?.GetValue<string>()
            ?? throw new ContainerToolsException(ErrorIds.InvalidNetworkConfig, "A plugin entry of the network configuration has no type.");
        var start = new ProcessStartInfo(FindPlugin(type))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        start.Environment["CNI_COMMAND"] = command;
        start.Environment["CNI_CONTAINERID"] = attachment.ContainerId;
        start.Environment["CNI_NETNS"] = attachment.NetnsPath;
        start.Environment["CNI_IFNAME"] = attachment.InterfaceName;
        start.Environment["CNI_PATH"] = string.Join(':', PluginDirectories);
        // Plugins run iptables and ip by name; a caller's PATH without sbin must not break them.
        var path = start.Environment.TryGetValue("PATH", out var existing) && !string.IsNullOrEmpty(existing) ? existing : "/usr/bin:/bin";
        start.Environment["PATH"] = attachment.ToolPath ?? $"{path}:/usr/local/sbin:/usr/sbin:/sbin";

        using var process = Process.Start(start)
            ?? throw new ContainerToolsException(ErrorIds.NetworkPluginFailed with { Kind = ErrorKind.InvalidOperation }, $"Could not start the CNI plugin '{type}'.", type);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            process.StandardInput.Write(pluginConfig.ToJsonString());
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The plugin exited before reading its configuration; its exit status and output say why.
        }
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new CniPluginException(type, command, 0, $"did not finish within {Timeout.TotalSeconds:0} seconds and was killed", null);
        }
        process.WaitForExit();
        var output = stdout.Result;
        if (process.ExitCode != 0)
        {
            throw ToError(type, command, process.ExitCode, output, stderr.Result);
        }
        return string.IsNullOrWhiteSpace(output) ? null : ParseObject(type, command, output);
    }

    private static CniPluginException ToError(string type, string command, int exitCode, string output, string stderr)
    {
        try
        {
            if (JsonNode.Parse(output) is JsonObject error && error["msg"] is JsonNode msg)
            {
                return new CniPluginException(type, command, error["code"]?.GetValue<int>() ?? exitCode, msg.GetValue<string>(), error["details"]?.GetValue<string>());
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
        }
        var text = string.IsNullOrWhiteSpace(stderr) ? output : stderr;
        return new CniPluginException(type, command, exitCode, $"exited with status {exitCode}", text.Trim());
    }

    private static JsonObject ParseObject(string type, string command, string output)
    {
        try
        {
            return JsonNode.Parse(output) as JsonObject
                ?? throw new CniPluginException(type, command, 0, "printed a result that is not a JSON object", output.Trim());
        }
        catch (JsonException ex)
        {
            throw new CniPluginException(type, command, 0, "printed a result that is not JSON", ex.Message);
        }
    }
}
