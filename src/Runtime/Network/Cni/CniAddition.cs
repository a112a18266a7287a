using System.Text.Json.Nodes;

namespace ContainerTools.Runtime.Network.Cni;

/// <summary>One ADD of <see cref="CniInvoker.StartAdd"/>: the first plugin's result now, the whole list's at Finish.</summary>
public sealed class CniAddition
{
    private readonly CniInvoker _invoker;
    private readonly JsonObject _conflist;
    private readonly CniAttachment _attachment;
    private readonly IReadOnlyList<Func<JsonObject?>> _running;
    private JsonObject? _final;

    internal CniAddition(CniInvoker invoker, JsonObject conflist, CniAttachment attachment, JsonObject first, IReadOnlyList<Func<JsonObject?>> running)
    {
        (_invoker, _conflist, _attachment, FirstResult, _running) = (invoker, conflist, attachment, first, running);
    }

    /// <summary>What the first plugin made: the container's interface and address.</summary>
    public JsonObject FirstResult { get; }

    /// <summary>Waits for the later plugins; returns the last result, or DELs the whole list and throws the first failure.</summary>
    public JsonObject Finish()
    {
        if (_final is not null)
        {
            return _final;
        }
        var results = new List<JsonObject?>();
        Exception? failure = null;
        foreach (var join in _running)
        {
            try { results.Add(join()); }
            catch (Exception ex) { failure ??= ex; }
        }
        if (failure is not null)
        {
            _invoker.DeleteQuietly(_conflist, _attachment, FirstResult);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        return _final = results.LastOrDefault(r => r is not null) ?? FirstResult;
    }
}
