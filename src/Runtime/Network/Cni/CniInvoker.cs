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
        catch (OciRuntime.Errors.ContainerToolsException)
        {
            try
            {
                Delete(conflist, attachment, previous);
            }
            catch (OciRuntime.Errors.ContainerToolsException)
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
        foreach (var plugin in Enumerable.Reverse(Plugins(conflist)))
        {
            try
            {
                _runner.Run("DEL", PluginConfig(conflist, plugin, attachment, cachedResult), attachment);
            }
            catch (Exception ex) when (ex is CniPluginException or OciRuntime.Errors.ContainerToolsException)
            {
                first ??= ex;
            }
        }
        if (first is not null)
        {
            throw first;
        }
    }

    /// <summary>
    /// ADD for a list whose plugins after the first only act on the host from the first one's result and hand it on
    /// unchanged (portmap's DNAT rules, firewall's FORWARD rules: neither enters the namespace nor reads what the
    /// other made). They then need nothing from each other, so they run at once, each with the first plugin's result
    /// as prevResult: exactly what sequential chaining would give them. Failure handling is <see cref="Add"/>'s.
    /// </summary>
    public JsonObject AddConcurrently(JsonObject conflist, CniAttachment attachment) => StartAdd(conflist, attachment).Finish();

    /// <summary>
    /// <see cref="AddConcurrently"/> in two halves: returns once the first plugin (the interface and its address) is
    /// done, with the later ones still running on their own threads; <see cref="CniAddition.Finish"/> waits for them.
    /// A failure of the first plugin is thrown here, after the list's DEL; a later plugin's by Finish, likewise.
    /// </summary>
    public CniAddition StartAdd(JsonObject conflist, CniAttachment attachment)
    {
        var plugins = Plugins(conflist);
        if (plugins.Count == 0)
        {
            return new CniAddition(this, conflist, attachment, Add(conflist, attachment), []);
        }
        JsonObject? first;
        try
        {
            first = _runner.Run("ADD", PluginConfig(conflist, plugins[0], attachment, null), attachment);
        }
        catch (OciRuntime.Errors.ContainerToolsException)
        {
            DeleteQuietly(conflist, attachment, null);
            throw;
        }
        var later = plugins.Skip(1).Select(plugin => (Func<JsonObject?>)(() =>
            _runner.Run("ADD", PluginConfig(conflist, plugin, attachment, first), attachment))).ToList();
        return new CniAddition(this, conflist, attachment, first ?? new JsonObject { ["cniVersion"] = conflist["cniVersion"]?.GetValue<string>() },
            later.Select(Started).ToList());
    }

    /// <summary>Starts a call on its own thread; the returned function waits for it and returns or rethrows its outcome.</summary>
    internal static Func<JsonObject?> Started(Func<JsonObject?> call)
    {
        JsonObject? result = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { result = call(); }
            catch (Exception ex) { failure = ex; }
        }, maxStackSize: 256 * 1024) { IsBackground = true, Name = "ContainerTools CNI" };
        thread.Start();
        return () =>
        {
            thread.Join();
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
            return result;
        };
    }

    /// <summary>The DEL that follows a failed ADD: its own trouble would only hide the ADD failure being reported.</summary>
    internal void DeleteQuietly(JsonObject conflist, CniAttachment attachment, JsonObject? result)
    {
        try
        {
            DeleteConcurrently(conflist, attachment, result);
        }
        catch (Exception ex) when (ex is OciRuntime.Errors.ContainerToolsException or IOException or System.ComponentModel.Win32Exception)
        {
        }
    }

    /// <summary>
    /// DEL of every plugin at once, for lists whose plugins remove only what each made itself (the bridge its veth,
    /// lease and masquerade chain; portmap its DNAT chain; firewall its FORWARD rules), so no order between them matters.
    /// Every plugin runs; the first failure in list order is rethrown afterwards.
    /// </summary>
    public void DeleteConcurrently(JsonObject conflist, CniAttachment attachment, JsonObject? cachedResult) =>
        RunAtOnce(Plugins(conflist).Select(plugin => (Func<JsonObject?>)(() =>
            _runner.Run("DEL", PluginConfig(conflist, plugin, attachment, cachedResult), attachment))).ToList());

    /// <summary>
    /// Runs each call on its own thread (one stays on the caller's), waits for all, and rethrows the first failure in
    /// call order. Dedicated threads rather than the thread pool: each blocks on a process while the pool must stay free
    /// for the pipe reads that process's output needs.
    /// </summary>
    private static IReadOnlyList<JsonObject?> RunAtOnce(IReadOnlyList<Func<JsonObject?>> calls)
    {
        var joins = calls.Skip(1).Select(Started).ToList();
        var results = new JsonObject?[calls.Count];
        Exception? failure = null;
        try { results[0] = calls.Count > 0 ? calls[0]() : null; }
        catch (Exception ex) { failure = ex; }
        for (var i = 0; i < joins.Count; i++)
        {
            try { results[i + 1] = joins[i](); }
            catch (Exception ex) { failure ??= ex; }
        }
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        return results;
    }

    public void Check(JsonObject conflist, CniAttachment attachment, JsonObject cachedResult)
    {
        foreach (var plugin in Plugins(conflist))
        {
            _runner.Run("CHECK", PluginConfig(conflist, plugin, attachment, cachedResult), attachment);
        }
    }

    private static List<JsonObject> Plugins(JsonObject conflist) =>
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
