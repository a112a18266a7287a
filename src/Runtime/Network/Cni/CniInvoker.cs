using System.Text.Json.Nodes;

namespace ContainerTools.Runtime.Network.Cni;

/// <summary>
/// Runs a network configuration list (conflist) the way the CNI spec prescribes: ADD through every plugin in order,
/// each receiving the previous plugin's result as prevResult; DEL in reverse order with the cached ADD result;
/// CHECK in order with the cached result.
/// </summary>
public sealed class CniInvoker
{
    private readonly CniPluginRunner _runner;

    public CniInvoker(CniPluginRunner? runner = null) => _runner = runner ?? new CniPluginRunner();

    /// <summary>
    /// Returns the last plugin's result: the attachment's final result, to cache for DEL and CHECK. When a plugin
    /// fails, the whole list is DEL'd with the last result obtained (as the spec asks) before the error is rethrown.
    /// </summary>
    public JsonObject Add(JsonObject conflist, CniAttachment attachment)
    {
        JsonObject? previous = null;
        try
        {
            foreach (var plugin in Plugins(conflist))
            {
                var result = _runner.Run("ADD", PluginConfig(conflist, plugin, attachment, previous), attachment);
                previous = result ?? previous;
            }
        }
        catch (Errors.ContainerToolsException)
        {
            try
            {
                Delete(conflist, attachment, previous);
            }
            catch (Errors.ContainerToolsException)
            {
                // The ADD failure is the one to report; DEL's own trouble would only hide it.
            }
            throw;
        }
        return previous ?? new JsonObject { ["cniVersion"] = conflist["cniVersion"]?.GetValue<string>() };
    }

    /// <summary>
    /// Removes what ADD created. Every plugin runs even if an earlier one failed, so one broken plugin cannot strand
    /// another's iptables rules or leases; the first failure is rethrown afterwards.
    /// </summary>
    public void Delete(JsonObject conflist, CniAttachment attachment, JsonObject? cachedResult)
    {
        Exception? first = null;
        foreach (var plugin in Plugins(conflist).Reverse())
        {
            try
            {
                _runner.Run("DEL", PluginConfig(conflist, plugin, attachment, cachedResult), attachment);
            }
            catch (Exception ex) when (ex is CniPluginException or Errors.ContainerToolsException)
            {
                first ??= ex;
            }
        }
        if (first is not null)
        {
            throw first;
        }
    }

    public void Check(JsonObject conflist, CniAttachment attachment, JsonObject cachedResult)
    {
        foreach (var plugin in Plugins(conflist))
        {
            _runner.Run("CHECK", PluginConfig(conflist, plugin, attachment, cachedResult), attachment);
        }
    }

    private static IEnumerable<JsonObject> Plugins(JsonObject conflist) =>
        (conflist["plugins"] as JsonArray ?? []).OfType<JsonObject>().ToList();

    /// <summary>
    /// The spec's derivation of a plugin's configuration from a list: the plugin's own keys plus the list's name and
    /// cniVersion, prevResult, and runtimeConfig limited to the capabilities the plugin declares.
    /// </summary>
    internal static JsonObject PluginConfig(JsonObject conflist, JsonObject plugin, CniAttachment attachment, JsonObject? previous)
    {
        var config = (JsonObject)plugin.DeepClone();
        config.Remove("capabilities");
        config["cniVersion"] = conflist["cniVersion"]?.DeepClone();
        config["name"] = conflist["name"]?.DeepClone();
        if (previous is not null)
        {
            config["prevResult"] = previous.DeepClone();
        }
        if (plugin["capabilities"] is JsonObject capabilities && attachment.RuntimeConfig is { } runtime)
        {
            var granted = new JsonObject();
            foreach (var (capability, enabled) in capabilities)
            {
                if (enabled?.GetValue<bool>() == true && runtime[capability] is JsonNode value)
                {
                    granted[capability] = value.DeepClone();
                }
            }
            if (granted.Count > 0)
            {
                config["runtimeConfig"] = granted;
            }
        }
        return config;
    }
}
