using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Network.Cni;

/// <summary>A plugin answered with a CNI error ({code, msg, details}) or died without one.</summary>
public sealed class CniPluginException : ContainerToolsException
{
    public CniPluginException(string plugin, string command, int code, string message, string? details)
        : base(ErrorIds.NetworkPluginFailed,
            $"The CNI plugin '{plugin}' failed on {command} (code {code}): {message}{(string.IsNullOrEmpty(details) ? "" : $" ({details})")}", plugin)
    {
        Plugin = plugin;
        Code = code;
    }

    public string Plugin { get; }

    /// <summary>The CNI error code: 1-99 are the spec's well-known codes (e.g. 7 invalid network config), 100+ plugin-specific.</summary>
    public int Code { get; }
}
